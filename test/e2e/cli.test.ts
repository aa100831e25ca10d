// The `hangar` CLI, run as a child process against an in-process Hangar on the sandbox, compared with the
// docker CLI on the same daemon.
//
// Most comparisons use images this file makes on beta by `docker load`ing archives it writes itself: their
// creation times are years apart and years ago, so `docker image ls` order and its CREATED column are the same
// from one second to the next. Seed images were made seconds or minutes ago: their rows are compared as sets of
// lines, and CREATED may tick between two commands (then the output must equal docker's just before or after).
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { runHangarCli, type CliResult } from './support/cli.js';
import { LOOPBACK_EGRESS, sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { INDEX_FIXTURE, startSearchIndex } from './support/search-index.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = randomBytes(3).toString('hex');
const LABEL = `org.hangar.cli-run=${run}`;
const REPO = `cli-${run}`;
const ENGINE: EngineName = 'beta';
const BIN = fileURLToPath(new URL('../../apps/cli/bin/hangar.js', import.meta.url));
const registryRepo = (name: string) => `${info.registry.host}/${REPO}/${name}`;

let hangar: TestHangar;
let index: Awaited<ReturnType<typeof startSearchIndex>>;
let scratch: string;

/** `hangar ARGS` in a child process, connected to the test's Hangar. */
function hangarCli(args: string[], options: { env?: Record<string, string | undefined>; input?: Buffer | string } = {}): Promise<CliResult> {
  return runHangarCli(hangar, args, options);
}

async function docker(args: string[], engine: EngineName = ENGINE): Promise<string> {
  return (await sandbox.docker(engine, args)).stdout;
}

/**
 * `hangar ARGS` prints exactly what `docker ARGS` prints on the same engine. When a relative CREATED may tick
 * between the two commands, docker runs before and after and the output must equal one of the two.
 */
async function expectSameAsDocker(args: string[], { engine = ENGINE, hangarArgs = args, sortLines = false }: { engine?: EngineName; hangarArgs?: string[]; sortLines?: boolean } = {}) {
  const normalise = (text: string) => (sortLines ? text.split('\n').sort().join('\n') : text);
  let last = { expected: '', got: '' };
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await docker(args, engine);
    const result = await hangarCli([...hangarArgs, '-H', engine]);
    const after = await docker(args, engine);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const got = normalise(result.stdout);
    if (got === normalise(before) || got === normalise(after)) {
      expect(got.length).toBeGreaterThan(0);
      return result.stdout;
    }
    last = { expected: normalise(after), got };
  }
  expect(last.got).toBe(last.expected);
  return last.got;
}

// ------------------------------------------------------------------------------------------- images made here

interface Crafted {
  tags: string[] | null;
  created: string;
  labels: Record<string, string>;
  /** Files of the image's one layer. */
  files: Record<string, string>;
}

/**
 * Writes a `docker save` archive (manifest.json, config, one layer each) for images with the given tags, creation
 * times and labels, and loads it on the engine. Images without tags load as dangling images.
 */
async function loadCrafted(images: Crafted[], engine: EngineName): Promise<string[]> {
  const dir = await mkdtemp(join(scratch, 'craft-'));
  const out = join(dir, 'archive');
  await mkdir(out);
  const manifest: { Config: string; RepoTags: string[] | null; Layers: string[] }[] = [];
  const ids: string[] = [];
  for (const [i, image] of images.entries()) {
    const rootfs = join(dir, `rootfs-${i}`);
    await mkdir(rootfs);
    for (const [name, content] of Object.entries(image.files)) await writeFile(join(rootfs, name), content);
    await mkdir(join(out, `layer-${i}`));
    await promisify(execFile)('tar', ['-C', rootfs, '-cf', join(out, `layer-${i}`, 'layer.tar'), ...Object.keys(image.files)]);
    const diffId = createHash('sha256').update(await readFile(join(out, `layer-${i}`, 'layer.tar'))).digest('hex');
    const config = JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      created: image.created,
      config: { Labels: image.labels, Cmd: ['sh'], Env: ['PATH=/usr/bin:/bin'] },
      rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] },
      history: [
        { created: image.created, created_by: `/bin/sh -c #(nop) ADD file:${diffId} in / ` },
        { created: image.created, created_by: `/bin/sh -c #(nop)  LABEL ${Object.entries(image.labels).map(([k, v]) => `${k}=${v}`).join(' ')}`, empty_layer: true },
        { created: image.created, created_by: '/bin/sh -c #(nop)  CMD ["sh"]', empty_layer: true },
      ],
    });
    const id = createHash('sha256').update(config).digest('hex');
    await writeFile(join(out, `${id}.json`), config);
    manifest.push({ Config: `${id}.json`, RepoTags: image.tags, Layers: [`layer-${i}/layer.tar`] });
    ids.push(`sha256:${id}`);
  }
  await writeFile(join(out, 'manifest.json'), JSON.stringify(manifest));
  await promisify(execFile)('tar', ['-C', out, '-cf', join(dir, 'images.tar'), '.']);
  await docker(['load', '-i', join(dir, 'images.tar')], engine);
  return ids;
}

const ids = { app: '', tool: '', dangling: '', pushed: '', digestOnly: '' };

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'hangar-cli-test-'));
  index = await startSearchIndex(INDEX_FIXTURE);
  hangar = await startTestHangar(info, { fleet: { hostTimeoutMs: 5_000 }, hosts: (['alpha', 'beta', 'gamma'] as const).map((name) => sandboxHost(info, name)), egress: LOOPBACK_EGRESS });
  const label = (extra: Record<string, string>) => ({ 'org.hangar.cli-run': run, ...extra });
  const [app, tool, dangling, pushed, digestOnly] = await loadCrafted(
    [
      { tags: [`${REPO}/app:1.0`, `${REPO}/app:latest`], created: '2021-01-01T00:00:01Z', labels: label({ 'org.hangar.cli-team': 'web' }), files: { 'app.txt': `app ${run}\n` } },
      { tags: [`${REPO}/tool:2`], created: '2021-01-01T00:00:02Z', labels: label({ 'org.hangar.cli-team': 'ops' }), files: { 'tool.txt': `tool ${run} ${'x'.repeat(3000)}\n` } },
      { tags: null, created: '2021-01-01T00:00:03Z', labels: label({ 'org.hangar.cli-team': 'ops' }), files: { 'old.txt': `old ${run}\n` } },
      { tags: [`${registryRepo('pushed')}:1`], created: '2021-01-01T00:00:04Z', labels: label({ 'org.hangar.cli-team': 'web' }), files: { 'pushed.txt': `pushed ${run}\n` } },
      { tags: [`${registryRepo('digest')}:1`], created: '2021-01-01T00:00:05Z', labels: label({}), files: { 'digest.txt': `digest ${run}\n` } },
    ],
    ENGINE,
  );
  Object.assign(ids, { app: app!, tool: tool!, dangling: dangling!, pushed: pushed!, digestOnly: digestOnly! });
  // Pushed images carry a repo digest; the second is then pulled back by digest only (a digest-only image).
  await docker(['push', `${registryRepo('pushed')}:1`]);
  const push = await docker(['push', `${registryRepo('digest')}:1`]);
  const digest = /digest: (sha256:[0-9a-f]{64})/.exec(push)![1]!;
  await docker(['rmi', `${registryRepo('digest')}:1`]);
  await docker(['pull', `${registryRepo('digest')}@${digest}`]);
}, 300_000);

afterAll(async () => {
  await hangar?.stop();
  await index?.close();
  for (const container of [`cli-used-${run}`, `cli-commit-${run}`]) await docker(['rm', '-f', container]).catch(() => {});
  // Everything this file made carries its label (loaded, built, committed or imported), on any engine.
  for (const engine of ['alpha', 'beta', 'gamma'] as const) {
    const mine = (await docker(['image', 'ls', '-a', '-q', '--no-trunc', '-f', `label=${LABEL}`], engine).catch(() => '')).split('\n').filter(Boolean);
    for (const id of [...new Set(mine)]) await docker(['rmi', '-f', id], engine).catch(() => {});
  }
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

// ------------------------------------------------------------------------------------------------- the tests

describe('hangar image ls prints what docker image ls prints', () => {
  const mine = ['-f', `label=${LABEL}`];
  it.each([
    ['the default table', [...mine]],
    ['-q', ['-q', ...mine]],
    ['--no-trunc', ['--no-trunc', ...mine]],
    ['--digests', ['--digests', ...mine]],
    ['--digests --no-trunc -q', ['--digests', '--no-trunc', '-q', ...mine]],
    ['-a', ['-a', ...mine]],
    ['-f dangling=true', ['-f', 'dangling=true', ...mine]],
    ['-f dangling=false', ['-f', 'dangling=false', ...mine]],
    ['-f reference=REPO/*', ['-f', `reference=${REPO}/*`]],
    ['-f reference with a tag glob', ['-f', `reference=${REPO}/app:1.*`]],
    ['-f label=key=value', ['-f', 'label=org.hangar.cli-team=web', ...mine]],
    ['-f label=key', ['-f', 'label=org.hangar.cli-team', ...mine]],
    ['-f before=', ['-f', `before=${REPO}/tool:2`, ...mine]],
    ['-f since=', ['-f', `since=${REPO}/app:1.0`, ...mine]],
    ['REPOSITORY argument', [`${REPO}/app`]],
    ["--format '{{.ID}} {{.Repository}}:{{.Tag}}'", ['--format', '{{.ID}} {{.Repository}}:{{.Tag}}', ...mine]],
    ['--format json', ['--format', 'json', ...mine]],
    ['--format table with CreatedAt and Digest', ['--format', 'table {{.Repository}}\\t{{.Digest}}\\t{{.CreatedAt}}\\t{{.VirtualSize}}', ...mine]],
    ['--format table without --digests still lists digest columns', ['--format', 'table {{.Repository}}\\t{{.Tag}}\\t{{.Digest}}', ...mine]],
    ['--digests with a table format appends DIGEST', ['--digests', '--format', 'table {{.ID}}\\t{{.Tag}}', ...mine]],
    ['--format with json of fields', ['--format', '{{json .Repository}} {{.Containers}} {{.SharedSize}} {{.UniqueSize}}', ...mine]],
  ])('%s', async (_name, args) => {
    await expectSameAsDocker(['image', 'ls', ...args]);
  });

  it('the short form `hangar images`, the default host from HANGAR_HOST', async () => {
    const expected = await docker(['images', '-f', `label=${LABEL}`]);
    const result = await hangarCli(['images', '-f', `label=${LABEL}`], { env: { HANGAR_HOST: ENGINE } });
    expect(result).toEqual({ code: 0, stdout: expected, stderr: '' });
  });

  it.each([
    ['every image', ['--format', '{{.ID}} {{.Repository}}:{{.Tag}} {{.Size}} {{.CreatedAt}}']],
    ['-a --no-trunc --digests', ['-a', '--no-trunc', '--digests', '--format', '{{.ID}} {{.Repository}}:{{.Tag}}@{{.Digest}}']],
    ['seed labels', ['-f', 'label=org.hangar.team=web']],
    ['seed dangling', ['-f', 'dangling=true']],
    ['seed references', ['-f', 'reference=hangar-test/*']],
  ])('seed images (rows compared as sets: docker orders images created in the same second at random): %s', async (_name, args) => {
    await expectSameAsDocker(['image', 'ls', ...args], { sortLines: true });
  });

  it('several hosts: a HOST column first, each host’s rows as that host’s docker prints them', async () => {
    const result = await hangarCli(['image', 'ls', '-H', 'alpha', '-H', 'gamma', '-f', 'reference=hangar-test/base', '--format', 'table {{.Host}}\\t{{.ID}}\\t{{.Repository}}:{{.Tag}}']);
    expect(result.code).toBe(0);
    const [header, ...rows] = result.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^HOST\s+IMAGE ID\s+REPOSITORY:TAG$/);
    for (const engine of ['alpha', 'gamma'] as const) {
      const id = (await docker(['image', 'ls', '-q', '-f', 'reference=hangar-test/base'], engine)).trim();
      expect(rows.filter((row) => row.startsWith(`${engine} `)).map((row) => row.split(/\s+/).slice(1).join(' '))).toEqual([`${id} hangar-test/base:1.0`]);
    }
    const table = await hangarCli(['image', 'ls', '--all-hosts', '-f', 'reference=hangar-test/base']);
    expect(table.stdout.split('\n')[0]).toMatch(/^HOST\s+REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE$/);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(4);
  });
});

describe('hangar history prints what docker history prints', () => {
  it.each([
    ['the default table', []],
    ['--no-trunc', ['--no-trunc']],
    ['-q', ['-q']],
    ['-q --no-trunc', ['-q', '--no-trunc']],
    ['--format json', ['--format', 'json']],
    ['--format table', ['--format', 'table {{.ID}}\\t{{.CreatedAt}}\\t{{.Size}}']],
  ])('%s (an image made here)', async (_name, args) => {
    await expectSameAsDocker(['history', ...args, `${REPO}/app:1.0`]);
  });

  it('docker’s -H=false is --human=false', async () => {
    await expectSameAsDocker(['history', '-H=false', `${REPO}/tool:2`], { hangarArgs: ['history', '--human=false', `${REPO}/tool:2`] });
  });

  it.each([
    ['the default table', []],
    ['--no-trunc', ['--no-trunc']],
    ['-q', ['-q']],
  ])('%s (a seed image built by docker build)', async (_name, args) => {
    await expectSameAsDocker(['history', ...args, 'hangar-test/app:1.1']);
  });

  it('a missing image is an error naming it', async () => {
    const result = await hangarCli(['history', '-H', ENGINE, `${REPO}/nope:1`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`Error: NOT_FOUND: No such image: ${REPO}/nope:1\n`);
  });
});

describe('hangar image inspect', () => {
  it('prints docker’s JSON for the fields Hangar knows, and templates as docker does', async () => {
    for (const ref of [`${REPO}/app:1.0`, 'hangar-test/app:1.0']) {
      const [mine] = JSON.parse((await hangarCli(['image', 'inspect', '-H', ENGINE, ref])).stdout) as Record<string, unknown>[];
      const [theirs] = JSON.parse(await docker(['image', 'inspect', ref])) as Record<string, any>[];
      for (const [key, value] of Object.entries(mine!)) {
        if (key === 'Config') for (const [field, v] of Object.entries(value as object)) expect([field, v]).toEqual([field, theirs!.Config[field]]);
        else expect([key, value]).toEqual([key, theirs![key]]);
      }
    }
    const format = '{{.Id}} {{json .RepoTags}} {{json .Config.Labels}} {{.Config.Cmd}} {{.Size}} {{index .Config.Labels "org.hangar.cli-team"}} {{json .RootFS.Layers}}';
    await expectSameAsDocker(['image', 'inspect', '-f', format, `${REPO}/app:1.0`, `${REPO}/tool:2`]);
  });

  it('a missing image: [] and an error, exit 1', async () => {
    const result = await hangarCli(['image', 'inspect', '-H', ENGINE, `${REPO}/nope:1`]);
    expect(result).toEqual({ code: 1, stdout: '[]\n', stderr: `Error: NOT_FOUND: No such image: ${REPO}/nope:1\n` });
  });
});

describe('hangar tag, commit and rmi', () => {
  it('tag makes the new reference on the host', async () => {
    const result = await hangarCli(['tag', '-H', ENGINE, `${REPO}/app:1.0`, `${REPO}/retag:x`]);
    expect(result).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await docker(['image', 'inspect', '-f', '{{.Id}}', `${REPO}/retag:x`])).trim()).toBe(ids.app);
    const missing = await hangarCli(['tag', '-H', ENGINE, `${REPO}/nope:1`, `${REPO}/retag:y`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error: NOT_FOUND: .*nope:1/);
  });

  it('commit prints the new image ID, with author, message and changes', async () => {
    const container = `cli-commit-${run}`;
    await docker(['create', '--name', container, '--label', LABEL, info.seed.baseRef]);
    const result = await hangarCli(['commit', '-H', ENGINE, '-a', 'Ada', '-m', 'saved', '-c', `LABEL ${LABEL}`, '-c', 'ENV GREETING=hi', container, `${REPO}/committed:v1`]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const inspected = JSON.parse(await docker(['image', 'inspect', `${REPO}/committed:v1`])) as { Id: string; Author: string; Comment: string; Config: { Env: string[] } }[];
    expect(result.stdout).toBe(`${inspected[0]!.Id}\n`);
    expect(inspected[0]).toMatchObject({ Author: 'Ada', Comment: 'saved' });
    expect(inspected[0]!.Config.Env).toContain('GREETING=hi');
    const bad = await hangarCli(['commit', '-H', ENGINE, '-c', 'RUN echo no', container, `${REPO}/bad:1`]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: BAD_REQUEST: .*RUN/);
  });

  it('rmi of an image a container uses: refused without -f (the conflict printed, exit 1), removed with -f', async () => {
    const ref = `${REPO}/used:1`;
    await sandbox.docker(ENGINE, ['build', '-q', '-t', ref, '-'], { input: `FROM ${info.seed.baseRef}\nLABEL ${LABEL}\nRUN echo ${run} > /used\n` });
    const id = (await docker(['image', 'inspect', '-f', '{{.Id}}', ref])).trim();
    await docker(['create', '--name', `cli-used-${run}`, ref]);
    const refused = await hangarCli(['rmi', '-H', ENGINE, ref]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/^Error: CONFLICT: conflict: unable to (delete|remove repository reference) .*\(must force\) - container [0-9a-f]{12} is using its referenced image [0-9a-f]{12}\n$/);
    expect((await docker(['image', 'inspect', '-f', '{{.Id}}', ref])).trim()).toBe(id);

    const forced = await hangarCli(['rmi', '-f', '-H', ENGINE, ref]);
    expect(forced.stderr).toBe('');
    expect(forced.code).toBe(0);
    const lines = forced.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe(`Untagged: ${ref}`);
    expect(lines).toContain(`Deleted: ${id}`);
    await expect(docker(['image', 'inspect', ref])).rejects.toThrow();
  });

  it('rmi of a missing image and an unknown host are errors', async () => {
    const missing = await hangarCli(['rmi', '-H', ENGINE, `${REPO}/nope:1`]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^Error: NOT_FOUND: .*nope:1/);
    const host = await hangarCli(['rmi', '-H', 'nope', `${REPO}/app:1.0`]);
    expect(host.code).toBe(1);
    expect(host.stderr).toMatch(/^Error: HOST_NOT_FOUND: /);
  });

  it('rmi without -H acts on the default host alone, as docker rmi on its daemon; --all-hosts on every host', async () => {
    const engines: EngineName[] = ['alpha', 'beta', 'gamma'];
    const ref = `${REPO}/everywhere:${randomBytes(2).toString('hex')}`;
    const ids: Record<string, string> = {};
    for (const engine of engines) {
      await sandbox.docker(engine, ['build', '-q', '-t', ref, '-'], { input: `FROM ${info.seed.baseRef}\nLABEL ${LABEL}\nRUN echo "${engine} ${run}" > /e\n` });
      ids[engine] = (await docker(['image', 'inspect', '-f', '{{.Id}}', ref], engine)).trim();
    }
    // Sorted: images made in the same second list in no fixed order.
    const listing = () => Promise.all(['alpha', 'beta'].map(async (engine) => (await docker(['image', 'ls', '-a', '-q', '--no-trunc'], engine as EngineName)).split('\n').sort()));
    const others = await listing();
    const one = await hangarCli(['rmi', ref], { env: { HANGAR_HOST: 'gamma' } });
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    expect(one.stdout.split('\n')[0]).toBe(`Untagged: ${ref}`);
    expect(one.stdout.split('\n')).toContain(`Deleted: ${ids.gamma}`);
    await expect(docker(['image', 'inspect', ref], 'gamma')).rejects.toThrow();
    expect(await listing()).toEqual(others);

    const all = await hangarCli(['rmi', '--all-hosts', ref]);
    // gamma has it no more: its line is docker's "No such image", the others remove it (host-prefixed lines).
    expect(all.code).toBe(1);
    expect(all.stderr).toMatch(new RegExp(`^Error: NOT_FOUND: gamma: .*${ref.replace(/[.]/g, '\\.')}`));
    for (const engine of ['alpha', 'beta'] as const) {
      expect(all.stdout.split('\n')).toContain(`${engine}: Untagged: ${ref}`);
      expect(all.stdout.split('\n')).toContain(`${engine}: Deleted: ${ids[engine]}`);
      await expect(docker(['image', 'inspect', ref], engine)).rejects.toThrow();
    }
  });
});

describe('hangar system df', () => {
  it.each([
    ['the default table', []],
    ['--format json', ['--format', 'json']],
    ['--format', ['--format', '{{.Type}}: {{.TotalCount}} {{.Active}} {{.Size}} {{.Reclaimable}}']],
  ])('%s, as docker system df', async (_name, args) => {
    await expectSameAsDocker(['system', 'df', ...args]);
  });

  it('--all-hosts: a HOST column, each host’s lines as its docker prints them', async () => {
    const format = '{{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}';
    const result = await hangarCli(['system', 'df', '--all-hosts', '--format', `{{.Host}}\t${format}`]);
    expect(result.code).toBe(0);
    for (const engine of ['alpha', 'beta', 'gamma'] as const) {
      const expected = await docker(['system', 'df', '--format', format], engine);
      const lines = result.stdout.split('\n').filter((line) => line.startsWith(`${engine}\t`)).map((line) => line.slice(engine.length + 1));
      expect(`${lines.join('\n')}\n`).toBe(expected);
    }
  });
});

describe('hangar search', () => {
  it.each([
    ['no filter', []],
    ['--no-trunc', ['--no-trunc']],
    ['--limit', ['--limit', '2']],
    ['stars', ['--filter', 'stars=50']],
    ['is-official', ['-f', 'is-official=true']],
    ['--format json', ['--format', 'json']],
    ['--format', ['--format', '{{.Name}}: {{.StarCount}} {{.IsOfficial}}']],
  ])('%s, as docker search through the same engine and index', async (_name, args) => {
    await expectSameAsDocker(['search', ...args, `${index.host}/busy`]);
  });

  it('Docker Hub unreachable is an engine error, exit 1', async () => {
    const result = await hangarCli(['search', '-H', ENGINE, 'busybox']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: ENGINE_ERROR: /);
  });
});

describe('hangar host ls', () => {
  it('lists every host with status, engine version, API version and labels, as the API and docker report them', async () => {
    const format = '{{.Name}} {{.Status}} {{.EngineVersion}} {{.APIVersion}} {{.Endpoint}} {{.Labels}}';
    const result = await hangarCli(['host', 'ls', '--format', format]);
    expect(result.code).toBe(0);
    const { hosts } = await hangar.sdk.hosts();
    const expected: string[] = [];
    for (const host of hosts) {
      const version = (await docker(['version', '--format', '{{.Server.Version}}'], host.name as EngineName)).trim();
      expect(host.engine?.version).toBe(version);
      const labels = Object.entries(info.engines[host.name as EngineName].labels)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([k, v]) => `${k}=${v}`)
        .join(',');
      expected.push(`${host.name} UP ${version} ${host.engine!.apiVersion} ${info.engines[host.name as EngineName].endpoint} ${labels}`);
    }
    expect(result.stdout).toBe(`${expected.join('\n')}\n`);
  });

  it('the default table, -q and --filter label=', async () => {
    const [table, quiet, web] = await Promise.all([hangarCli(['host', 'ls']), hangarCli(['host', 'ls', '-q']), hangarCli(['host', 'ls', '-q', '-f', 'label=role=web'])]);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+STATUS\s+ENGINE\s+API\s+ENDPOINT\s+LABELS\s+ERROR$/);
    expect(table.stdout.trimEnd().split('\n')).toHaveLength(4);
    expect(quiet.stdout).toBe('alpha\nbeta\ngamma\n');
    expect(web.stdout).toBe('alpha\ngamma\n');
  });
});

describe('hangar save, load and import', () => {
  it('save writes the archive docker save writes (-o FILE, or stdout)', async () => {
    const file = join(scratch, 'app.tar');
    const saved = await hangarCli(['save', '-H', ENGINE, '-o', file, `${REPO}/app:1.0`]);
    expect(saved).toEqual({ code: 0, stdout: '', stderr: '' });
    const theirs = join(scratch, 'app-docker.tar');
    await docker(['save', '-o', theirs, `${REPO}/app:1.0`]);
    const digest = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');
    expect(await digest(file)).toBe(await digest(theirs));
    const piped = await new Promise<Buffer>((resolve, reject) => {
      const child = spawn(process.execPath, [BIN, 'save', '-H', ENGINE, `${REPO}/tool:2`], { env: { ...process.env, HANGAR_URL: hangar.url, HANGAR_TOKEN: hangar.token } });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(Buffer.concat(chunks)) : reject(new Error(`exit ${code}`))));
    });
    await docker(['save', '-o', theirs, `${REPO}/tool:2`]);
    expect(createHash('sha256').update(piped).digest('hex')).toBe(await digest(theirs));
  });

  it('load reads an archive (-i FILE, or stdin) into another host and prints what docker load prints', async () => {
    const file = join(scratch, 'app.tar');
    const loaded = await hangarCli(['load', '-H', 'gamma', '-i', file]);
    expect(loaded).toEqual({ code: 0, stdout: `Loaded image: ${REPO}/app:1.0\n`, stderr: '' });
    expect((await docker(['image', 'inspect', '-f', '{{.Id}}', `${REPO}/app:1.0`], 'gamma')).trim()).toBe(ids.app);
    const theirs = await docker(['load', '-i', file], 'alpha');
    expect(theirs).toBe(loaded.stdout);
    const fromStdin = await hangarCli(['load', '-H', 'gamma'], { input: await readFile(join(scratch, 'app-docker.tar')) });
    expect(fromStdin).toEqual({ code: 0, stdout: `Loaded image: ${REPO}/tool:2\n`, stderr: '' });
    const missing = await hangarCli(['load', '-H', 'gamma', '-i', join(scratch, 'nope.tar')]);
    expect(missing).toMatchObject({ code: 1, stderr: expect.stringMatching(/^Error: open .*nope\.tar: no such file or directory\n$/) });
    const notTar = await hangarCli(['load', '-H', 'gamma'], { input: 'this is not a tar archive'.repeat(100) });
    expect(notTar.code).toBe(1);
    expect(notTar.stderr).toMatch(/^Error: BAD_REQUEST: /);
  });

  it('import makes an image of a root filesystem tar (file, stdin or URL) with message and changes', async () => {
    const rootfs = join(scratch, 'rootfs');
    await mkdir(rootfs, { recursive: true });
    await writeFile(join(rootfs, 'hello.txt'), `hello ${run}\n`);
    const tarball = join(scratch, 'rootfs.tar');
    await promisify(execFile)('tar', ['-C', rootfs, '-cf', tarball, 'hello.txt']);
    const imported = await hangarCli(['import', '-H', ENGINE, '-m', 'from the cli', '-c', `LABEL ${LABEL}`, '-c', 'CMD ["cat", "/hello.txt"]', tarball, `${REPO}/imported:1`]);
    expect(imported.stderr).toBe('');
    const [raw] = JSON.parse(await docker(['image', 'inspect', `${REPO}/imported:1`])) as { Id: string; Comment: string; Config: { Cmd: string[] } }[];
    expect(imported.stdout).toBe(`${raw!.Id}\n`);
    expect(raw).toMatchObject({ Comment: 'from the cli', Config: { Cmd: ['cat', '/hello.txt'] } });

    const fromStdin = await hangarCli(['import', '-H', ENGINE, '-c', `LABEL ${LABEL}`, '-', `${REPO}/imported:stdin`], { input: await readFile(tarball) });
    expect(fromStdin.stdout).toBe(`${(await docker(['image', 'inspect', '-f', '{{.Id}}', `${REPO}/imported:stdin`])).trim()}\n`);

    // The engine downloads a URL itself.
    const server = createServer((_req, res) => void readFile(tarball).then((body) => res.writeHead(200, { 'content-type': 'application/x-tar' }).end(body)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/rootfs.tar`;
      const fromUrl = await hangarCli(['import', '-H', ENGINE, '-c', `LABEL ${LABEL}`, url, `${REPO}/imported:url`]);
      expect(fromUrl.stderr).toBe('');
      expect(fromUrl.stdout).toBe(`${(await docker(['image', 'inspect', '-f', '{{.Id}}', `${REPO}/imported:url`])).trim()}\n`);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }

    const bad = await hangarCli(['import', '-H', ENGINE, '-c', 'RUN rm -rf /', tarball]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^Error: BAD_REQUEST: .*RUN/);
  });
});

describe('hangar image prune', () => {
  it('--dry-run lists what would go; the prune deletes exactly that, in docker image prune’s words', async () => {
    // The engine prunes untagged images: the dangling one, and the one only a digest refers to.
    const lines = (text: string) => text.split('\n').sort();
    const dry = await hangarCli(['image', 'prune', '-H', ENGINE, '--dry-run', '--filter', `label=${LABEL}`]);
    expect(dry.stderr).toBe('');
    expect(dry.stdout).toMatch(/^Deleted Images:\n((untagged|deleted): \S+\n)+\nTotal reclaimed space: \d+(\.\d+)?[kMG]?B\n$/);
    expect(dry.stdout).toContain(`\ndeleted: ${ids.dangling}\n`);
    expect(dry.stdout).toContain(`\ndeleted: ${ids.digestOnly}\n`);
    expect(dry.stdout).toMatch(new RegExp(`\nuntagged: ${registryRepo('digest').replace(/[.]/g, '\\.')}@sha256:[0-9a-f]{64}\n`));
    expect(await docker(['image', 'inspect', '-f', '{{.Id}}', ids.dangling])).toBe(`${ids.dangling}\n`);
    // The engine prunes in Go map order: the same lines, maybe in another order.
    const real = await hangarCli(['image', 'prune', '-H', ENGINE, '-f', '--filter', `label=${LABEL}`]);
    expect(real.code).toBe(0);
    expect(lines(real.stdout)).toEqual(lines(dry.stdout));
    await expect(docker(['image', 'inspect', ids.dangling])).rejects.toThrow();
    await expect(docker(['image', 'inspect', ids.digestOnly])).rejects.toThrow();
    expect((await docker(['image', 'inspect', '-f', '{{.Id}}', `${REPO}/tool:2`])).trim()).toBe(ids.tool);
  });

  it('--all-hosts prunes every host; without -H it prunes the default host alone', async () => {
    const label = `org.hangar.cli-prune=${run}-${randomBytes(2).toString('hex')}`;
    const dangling: Record<string, string> = {};
    for (const engine of ['alpha', 'beta', 'gamma'] as const) {
      const build = () => sandbox.docker(engine, ['build', '-q', '-t', `${REPO}/pruned:1`, '-'], { input: `FROM ${info.seed.baseRef}\nLABEL ${label}\nRUN echo ${randomBytes(4).toString('hex')} > /p\n` });
      dangling[engine] = (await build()).stdout.trim();
      await build();
    }
    const alone = await hangarCli(['image', 'prune', '-f', '--filter', `label=${label}`], { env: { HANGAR_HOST: 'alpha' } });
    expect(alone.stderr).toBe('');
    expect(alone.stdout).toContain(`\ndeleted: ${dangling.alpha}\n`);
    await expect(docker(['image', 'inspect', dangling.alpha!], 'alpha')).rejects.toThrow();
    for (const engine of ['beta', 'gamma'] as const) expect((await docker(['image', 'inspect', '-f', '{{.Id}}', dangling[engine]!], engine)).trim()).toBe(dangling[engine]);
    const all = await hangarCli(['image', 'prune', '--all-hosts', '-f', '--filter', `label=${label}`]);
    expect(all.stderr).toBe('');
    expect(all.code).toBe(0);
    for (const engine of ['beta', 'gamma'] as const) {
      expect(all.stdout).toContain(`\n${engine}: deleted: ${dangling[engine]}\n`);
      await expect(docker(['image', 'inspect', dangling[engine]!], engine)).rejects.toThrow();
      expect((await docker(['image', 'ls', '-q', `${REPO}/pruned:1`], engine)).trim()).not.toBe('');
    }
  });

  it('without -f it asks, and does nothing unless the answer is yes', async () => {
    const result = await hangarCli(['image', 'prune', '-H', ENGINE, '-a', '--filter', `label=${LABEL}`], { input: 'n\n' });
    expect(result).toEqual({
      code: 0,
      stdout: 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue? [y/N] ',
      stderr: '',
    });
    expect((await docker(['image', 'inspect', '-f', '{{.Id}}', `${REPO}/tool:2`])).trim()).toBe(ids.tool);
  });
});

describe('connection, flags and errors', () => {
  it('a bad token is UNAUTHENTICATED, exit 1', async () => {
    const result = await hangarCli(['host', 'ls'], { env: { HANGAR_TOKEN: 'hgr_wrong' } });
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'Error: UNAUTHENTICATED: invalid token\n' });
  });

  it('reads url and token from the config file when the environment has none', async () => {
    const file = join(scratch, 'config.json');
    await writeFile(file, JSON.stringify({ url: hangar.url, token: hangar.token, host: ENGINE }));
    const result = await hangarCli(['images', '-q', '-f', `label=${LABEL}`], { env: { HANGAR_URL: undefined, HANGAR_TOKEN: undefined, HANGAR_CONFIG_FILE: file } });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(await docker(['images', '-q', '-f', `label=${LABEL}`]));
    const none = await hangarCli(['host', 'ls'], { env: { HANGAR_URL: undefined, HANGAR_TOKEN: undefined, HOME: scratch, XDG_CONFIG_HOME: undefined } });
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/^Error: no Hangar URL: set HANGAR_URL or "url" in .*config\.json\n$/);
  });

  it('Hangar not running is NETWORK_ERROR', async () => {
    const result = await hangarCli(['host', 'ls'], { env: { HANGAR_URL: 'http://127.0.0.1:9' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: NETWORK_ERROR: cannot reach Hangar at http:\/\/127\.0\.0\.1:9/);
  });

  it('several hosts and none chosen: an error that names them', async () => {
    const result = await hangarCli(['images']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('Error: 3 hosts are configured (alpha, beta, gamma): choose with -H NAME (or HANGAR_HOST), or use --all-hosts\n');
  });

  it('flag and argument mistakes: 125 for flags, 1 for arguments, as docker; --help everywhere', async () => {
    const flag = await hangarCli(['image', 'ls', '--bogus']);
    expect(flag.code).toBe(125);
    expect(flag.stderr).toBe("Error: unknown option '--bogus'\nSee 'hangar image ls --help'.\n");
    const filter = await hangarCli(['image', 'ls', '-H', ENGINE, '-f', 'bogus=1']);
    expect(filter).toMatchObject({ code: 1, stderr: "Error: Invalid filter 'bogus'\n" });
    const args = await hangarCli(['images', 'a', 'b']);
    expect(args.code).toBe(1);
    const template = await hangarCli(['image', 'ls', '-H', ENGINE, '--format', '{{.Nope}}']);
    expect(template.stderr).toBe('Error: template parsing error: template: :1:2: executing "" at <.Nope>: can\'t evaluate field Nope in type *formatter.imageContext\n');
    const commands = [[], ['image', 'ls'], ['rmi'], ['history'], ['system', 'df'], ['host', 'ls'], ['import'], ['build'], ['image', 'copy']];
    const helps = await Promise.all(commands.map((command) => hangarCli([...command, '--help'])));
    helps.forEach((help, i) => {
      expect([commands[i]!.join(' '), help.code, help.stdout.split('\n')[0]]).toEqual([commands[i]!.join(' '), 0, expect.stringMatching(/^Usage: hangar/)]);
    });
  });
});
