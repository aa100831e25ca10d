// `hangar pull`, `hangar push` and `hangar job …` as a child process (stdout a pipe, so plain progress lines)
// against an in-process Hangar with workers, checked with the docker CLI on the sandbox engines.
import { randomBytes } from 'node:crypto';
import type { HangarClient } from '@hangar/sdk';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { runHangarCli, type CliResult } from './support/cli.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';
import { pushFreshImage, sandboxRegistry } from './support/registry-images.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = randomBytes(3).toString('hex');
const ENGINES: EngineName[] = ['alpha', 'beta', 'gamma'];

let hangar: TestHangar;
let client: HangarClient;

function hangarCli(args: string[], timeoutMs = 90_000): Promise<CliResult> {
  return runHangarCli(hangar, args, { timeoutMs });
}

beforeAll(async () => {
  hangar = await startTestHangar(info, { hosts: ENGINES.map((name) => sandboxHost(info, name)), registries: [sandboxRegistry(info)] });
  client = hangar.sdk;
});

afterAll(async () => {
  await hangar?.stop();
});

/** A fresh image in the sandbox registry, not on any host. */
const pushedImage = (name: string, extra = '') => pushFreshImage(sandbox, info, `cli-jobs-${run}`, name, extra);

describe('hangar pull and hangar job', () => {
  let ref: string;
  let jobIds: string[];

  it('pulls a registry image onto two hosts with plain progress lines, exit 0', async () => {
    ref = await pushedImage('pulled');
    const result = await hangarCli(['pull', '-H', 'alpha', '-H', 'beta', ref]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    // Not a terminal: no cursor moves, no bars; a line per layer status change, prefixed by the host.
    expect(result.stdout).not.toContain('\x1b[');
    expect(result.stdout).not.toMatch(/\[=*>/);
    const lines = result.stdout.trimEnd().split('\n');
    for (const engine of ['alpha', 'beta']) {
      expect(lines).toContain(`${engine}: Pulling from ${ref}`);
      expect(lines).toContain(`${engine}: Status: Downloaded newer image for ${ref}`);
      expect(lines.some((line) => new RegExp(`^${engine}: [0-9a-f]{6,}: (Pull complete|Already exists)$`).test(line)), result.stdout).toBe(true);
      // Each layer status appears once per change: no two equal consecutive lines for a layer.
      const layerLines = lines.filter((line) => new RegExp(`^${engine}: [0-9a-f]{6,}: `).test(line));
      expect(new Set(layerLines).size).toBe(layerLines.length);
    }
    expect(lines.at(-1)).toBe(ref);
    for (const engine of ['alpha', 'beta'] as const) {
      const listed = await sandbox.docker(engine, ['image', 'ls', '--format', '{{.Repository}}:{{.Tag}}', ref]);
      expect(listed.stdout.trim()).toBe(ref);
    }
    const { jobs } = await client.jobs({ filter: { kinds: ['PULL'], hosts: ['alpha', 'beta'] }, first: 1000 });
    jobIds = jobs.nodes.filter((job) => job.subject === ref).map((job) => job.id);
    expect(jobIds).toHaveLength(2);
  });

  it('`job ls -q` lists the jobs; `job ls` prints the table', async () => {
    const quiet = await hangarCli(['job', 'ls', '-q']);
    expect(quiet.code).toBe(0);
    const ids = quiet.stdout.trimEnd().split('\n');
    for (const id of jobIds) expect(ids).toContain(id);

    const table = await hangarCli(['job', 'ls', '-f', 'kind=pull', '-H', 'alpha']);
    expect(table.code).toBe(0);
    const [header, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^JOB ID\s+KIND\s+HOST\s+STATE\s+SUBJECT\s+CREATED$/);
    const mine = rows.find((row) => row.startsWith(jobIds.find((id) => id.startsWith('alpha@'))!));
    expect(mine).toMatch(new RegExp(`\\s+PULL\\s+alpha\\s+COMPLETED\\s+${ref.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}\\s+.* ago$`));

    const formatted = await hangarCli(['job', 'ls', '--format', '{{.ID}} {{.State}}', '-f', 'state=completed']);
    for (const id of jobIds) expect(formatted.stdout).toContain(`${id} COMPLETED`);
  });

  it('`job logs` prints the status lines; `job watch` of a finished job ends at once with exit 0', async () => {
    const id = jobIds[0]!;
    const logs = await hangarCli(['job', 'logs', id]);
    expect(logs.code).toBe(0);
    const { job } = await client.job({ id, logs: 1000 });
    expect(logs.stdout).toBe(job!.logs.map((line) => `${line}\n`).join(''));
    expect(logs.stdout).toMatch(/Pull complete|Already exists|Downloaded newer image/);

    const watch = await hangarCli(['job', 'watch', id]);
    expect(watch.code, watch.stderr).toBe(0);
    expect(watch.stdout).toContain('Status: Downloaded newer image for');

    const missing = await hangarCli(['job', 'logs', 'nowhere@pull-0']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('No such job');
  });

  it('`job cancel` of a finished job fails', async () => {
    const cancel = await hangarCli(['job', 'cancel', jobIds[0]!]);
    expect(cancel.code).toBe(1);
    expect(cancel.stderr).toMatch(/^Error: [A-Z_]+: /);
  });

  it('a pull that fails exits 1 with the daemon-like error', async () => {
    const failed = await hangarCli(['image', 'pull', '-H', 'gamma', `${info.registry.host}/cli-jobs-${run}/missing:1`], 30_000);
    const { jobs } = await client.jobs({ filter: { hosts: ['gamma'] }, first: 5 });
    expect(failed.code, JSON.stringify({ failed, jobs: jobs.nodes })).toBe(1);
    expect(failed.stderr).toMatch(/Error response from daemon: /);
  });

  it('`hangar push` pushes from a host with plain progress, exit 0', async () => {
    const local = `cli-jobs-${run}/pushed:1`;
    const target = `${info.registry.host}/cli-jobs-${run}/pushed:1`;
    await sandbox.docker('beta', ['build', '-q', '-t', local, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo push-${run} > /p\n` });
    await sandbox.docker('beta', ['tag', local, target]);
    const result = await hangarCli(['push', '-H', 'beta', target]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`The push refers to repository [${target}]`);
    expect(result.stdout).toMatch(/^1: digest: sha256:[0-9a-f]{64}$/m);
  });

  it('`hangar image copy` copies engine to engine onto two hosts, keeping the image ID', async () => {
    const local = `cli-jobs-${run}/copied:1`;
    await sandbox.docker('alpha', ['build', '-q', '-t', local, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo copy-${run} > /c\n` });
    const { stdout: sourceId } = await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{.Id}}', local]);
    const result = await hangarCli(['image', 'copy', 'alpha', local, '-H', 'beta,gamma']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    for (const engine of ['beta', 'gamma'] as const) {
      expect(result.stdout).toContain(`${engine}: Copying alpha:${local} to ${engine}`);
      expect(result.stdout).toContain(`${engine}: copy complete: ${sourceId.trim()}`);
      const { stdout } = await sandbox.docker(engine, ['image', 'inspect', '--format', '{{.Id}}', local]);
      expect(stdout.trim()).toBe(sourceId.trim());
    }
    const toItself = await hangarCli(['image', 'cp', 'alpha', local, '-H', 'alpha']);
    expect(toItself.code).toBe(1);
    expect(toItself.stderr).toContain('"alpha" is the source');
  });

  it('`hangar image copy --all-hosts` copies to every other host that is up; a stopped engine is an error line, exit 1', async () => {
    const local = `cli-jobs-${run}/spread:${randomBytes(2).toString('hex')}`;
    await sandbox.docker('alpha', ['build', '-q', '-t', local, '-'], { input: `FROM ${info.seed.baseRef}\nRUN echo "spread ${run}" > /s\n` });
    const { stdout: sourceId } = await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{.Id}}', local]);
    let result: CliResult;
    try {
      await sandbox.stopEngine('gamma');
      result = await hangarCli(['image', 'copy', 'alpha', local, '--all-hosts']);
    } finally {
      await sandbox.startEngine('gamma');
    }
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^Error: HOST_UNREACHABLE: gamma is down, nothing was started on it: .+\n$/);
    expect(result.stdout).toContain(`beta: copy complete: ${sourceId.trim()}`);
    expect(result.stdout).not.toContain('gamma:');
    expect((await sandbox.docker('beta', ['image', 'inspect', '--format', '{{.Id}}', local])).stdout.trim()).toBe(sourceId.trim());
    expect((await sandbox.docker('gamma', ['image', 'ls', '-q', local])).stdout.trim()).toBe('');
  });
});
