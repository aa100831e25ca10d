// `hangar build` as a child process against an in-process Hangar with workers, side by side with `docker build`
// (the classic builder of the sandbox's engines) on the same context directories.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunError } from '@hangar/system';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { Sandbox, type EngineName } from '../sandbox/index.js';
import { runHangarCli, type CliResult } from './support/cli.js';
import { sandboxHost, startTestHangar, type TestHangar } from './support/hangar.js';

const info = inject('sandbox');
const sandbox = Sandbox.attach(info);
const run = randomBytes(3).toString('hex');
const ENGINES: EngineName[] = ['alpha', 'beta'];

let hangar: TestHangar;
let scratch: string;

function hangarCli(args: string[], input?: string | Buffer): Promise<CliResult> {
  return runHangarCli(hangar, args, { timeoutMs: 120_000, ...(input !== undefined ? { input } : {}) });
}

beforeAll(async () => {
  hangar = await startTestHangar(info, { hosts: ENGINES.map((name) => sandboxHost(info, name)) });
  scratch = mkdtempSync(join(tmpdir(), 'hangar-build-'));
});

afterAll(async () => {
  await hangar?.stop();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

/** A context directory from a map of relative paths to contents. */
function contextDir(name: string, files: Record<string, string>): string {
  const dir = join(scratch, name);
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(join(dir, path, '..'), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return dir;
}

/**
 * Build output with what differs between two builds of the same thing made the same: image and container IDs,
 * `--->` lines (a cached step says `Using cache` where a fresh one runs), and the carriage returns docker's
 * context progress line ends with.
 */
function normalize(output: string): string[] {
  return output
    .replace(/\r/g, '')
    .trimEnd()
    .split('\n')
    .filter((line) => !/^ ---> (Running in|Using cache)/.test(line) && !/^Removing intermediate container/.test(line))
    .map((line) =>
      line
        .replace(/^ ---> [0-9a-f]{12}$/, ' ---> ID')
        .replace(/^Successfully built [0-9a-f]{12}$/, 'Successfully built ID')
        .replace(/^Successfully tagged (.*):(docker|hangar)$/, 'Successfully tagged $1:TAG'),
    );
}

describe('hangar build', () => {
  const files = {
    Dockerfile: `FROM ${info.seed.baseRef}\nARG GREETING=none\nLABEL stage=test\nCOPY . /ctx\nRUN echo "greeting=$GREETING" && cd /ctx && find . | sort\n`,
    'app/main.txt': 'main\n',
    'app/deep/nested/file.txt': 'nested\n',
    'app/debug.log': 'log\n',
    'notes.tmp': 'tmp\n',
    'app/deep/also.tmp': 'tmp\n',
    'secret/key.pem': 'secret\n',
    'secret/keep.txt': 'kept\n',
    'docs/readme.md': 'docs\n',
    [`long/${'d'.repeat(60)}/${'f'.repeat(60)}.txt`]: 'a path longer than ustar’s 100 bytes\n',
    '.dockerignore': '# comments are ignored\n**/*.log\n*.tmp\n**/*.tmp\nsecret\n!secret/keep.txt\n/docs/\n',
  };

  it('sends what docker sends (.dockerignore, exceptions, long names, symlinks) and prints what docker prints', async () => {
    const dir = contextDir('full', files);
    symlinkSync('app/main.txt', join(dir, 'link-to-main'));
    const docker = await sandbox.docker('alpha', ['build', '--no-cache', '--build-arg', 'GREETING=hi', '-t', `cli-build-${run}/full:docker`, dir]);
    const hangarRun = await hangarCli(['build', '--no-cache', '--build-arg', 'GREETING=hi', '-t', `cli-build-${run}/full:hangar`, '-H', 'alpha', dir]);
    expect(hangarRun.stderr).toBe('');
    expect(hangarRun.code).toBe(0);
    expect(normalize(hangarRun.stdout)).toEqual(normalize(docker.stdout));
    // The listing the RUN step printed is the proof of what reached the builder.
    expect(hangarRun.stdout).toContain('./secret/keep.txt');
    expect(hangarRun.stdout).not.toContain('key.pem');
    expect(hangarRun.stdout).not.toContain('debug.log');
    expect(hangarRun.stdout).not.toContain('./docs');
    expect(hangarRun.stdout).toContain('./link-to-main');
    expect(hangarRun.stdout).toContain('f'.repeat(60));
    const inspect = await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{json .Config.Labels}} {{len .RootFS.Layers}}', `cli-build-${run}/full:hangar`]);
    const expected = await sandbox.docker('alpha', ['image', 'inspect', '--format', '{{json .Config.Labels}} {{len .RootFS.Layers}}', `cli-build-${run}/full:docker`]);
    expect(inspect.stdout).toBe(expected.stdout);
  });

  it('-q prints only the image ID, on every host given, and each host has the image', async () => {
    const dir = contextDir('quiet', { Dockerfile: `FROM ${info.seed.baseRef}\nRUN echo quiet-${run} > /q\n` });
    const result = await hangarCli(['build', '-q', '-t', `cli-build-${run}/quiet:1`, '-H', 'alpha', '-H', 'beta', dir]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trimEnd().split('\n').sort();
    expect(lines).toHaveLength(2);
    for (const [index, engine] of ENGINES.entries()) {
      const { stdout } = await sandbox.docker(engine, ['image', 'inspect', '--format', '{{.Id}}', `cli-build-${run}/quiet:1`]);
      expect(lines[index]).toBe(`${engine}: ${stdout.trim()}`);
    }
  });

  it('a Dockerfile on stdin builds with no context; -f names a Dockerfile outside the context', async () => {
    const fromStdin = await hangarCli(['build', '-t', `cli-build-${run}/stdin:1`, '-H', 'alpha', '-'], `FROM ${info.seed.baseRef}\nRUN echo from-stdin\n`);
    expect(fromStdin.code, fromStdin.stderr).toBe(0);
    expect(fromStdin.stdout).toContain('from-stdin');
    expect(fromStdin.stdout).not.toContain('Sending build context');

    const dir = contextDir('outside', { 'data.txt': 'data\n' });
    const dockerfile = join(scratch, 'Outside.Dockerfile');
    writeFileSync(dockerfile, `FROM ${info.seed.baseRef}\nCOPY . /ctx\nRUN cd /ctx && find . | sort\n`);
    const docker = await sandbox.docker('alpha', ['build', '--no-cache', '-f', dockerfile, '-t', `cli-build-${run}/outside:docker`, dir]);
    const result = await hangarCli(['build', '--no-cache', '-f', dockerfile, '-t', `cli-build-${run}/outside:hangar`, '-H', 'alpha', dir]);
    expect(result.code, result.stderr).toBe(0);
    // docker adds the Dockerfile under a random name and hides it from COPY through .dockerignore: so do we.
    expect(result.stdout).toContain('./data.txt');
    expect(result.stdout).not.toContain('.dockerfile.');
    expect(normalize(result.stdout).filter((line) => line.startsWith('./'))).toEqual(normalize(docker.stdout).filter((line) => line.startsWith('./')));
  });

  it('a failing RUN exits with its status and the daemon’s message, as docker does', async () => {
    const dir = contextDir('failing', { Dockerfile: `FROM ${info.seed.baseRef}\nRUN echo before-failure && exit 3\n` });
    const docker = await sandbox.docker('alpha', ['build', dir]).then(
      () => expect.unreachable('docker build should fail'),
      (error: unknown) => (error as RunError).result,
    );
    const result = await hangarCli(['build', '-H', 'alpha', dir]);
    expect(docker.code).toBe(3);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('before-failure');
    // Newer docker CLIs put a notice about the legacy builder first; the daemon's message is the last line.
    expect(result.stderr.trim()).toBe(docker.stderr.trim().split('\n').at(-1));
  });

  it('a missing context or Dockerfile is a docker-like error before anything is sent', async () => {
    const missing = await hangarCli(['build', '-H', 'alpha', join(scratch, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`unable to prepare context: path "${join(scratch, 'nope')}" not found`);
    const empty = contextDir('empty', { 'x.txt': 'x\n' });
    const noDockerfile = await hangarCli(['build', '-H', 'alpha', empty]);
    expect(noDockerfile.code).toBe(1);
    expect(noDockerfile.stderr).toContain(`lstat ${join(empty, 'Dockerfile')}: no such file or directory`);
  });
});
