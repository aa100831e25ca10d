import { randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { isFinished, type BatchHandle, type BuildImageInput, type HangarClient, type Job } from '@hangar/sdk';
import { Command } from 'commander';
import { contextTar, type ExtraFile } from '../build/context-tar.js';
import { IgnoreMatcher, parseDockerignore, PatternError } from '../build/dockerignore.js';
import { CliError } from '../cli-error.js';
import { collect } from '../flags/filters.js';
import { mutationHosts, selectHosts, type HostOptions } from '../flags/host-selection.js';
import { humanSize, humanSize4 } from '../format/go-units.js';
import type { Runtime } from '../runtime.js';
import { followBatch } from './jobs.js';
import { hostOptions } from './shared.js';

/** The API keeps uploaded contexts in Redis; bigger ones belong at a URL the engine fetches. */
export const MAX_CONTEXT_BYTES = 64 * 1024 * 1024;
/** Lines asked for per read of a job's log. */
const LOG_PAGE = 1000;
/** How long the log follower waits for an update before reading the logs anyway. */
const LOG_POLL_MS = 500;

interface BuildOptions extends HostOptions {
  tag?: string[];
  file?: string;
  buildArg?: string[];
  label?: string[];
  target?: string;
  cache?: boolean;
  pull?: boolean;
  platform?: string;
  quiet?: boolean;
}

/** What `docker build` treats as a remote context: a URL or a git address. */
export function isRemoteContext(source: string): boolean {
  return /^(https?|git):\/\//i.test(source) || /^git@/.test(source) || /^github\.com\//.test(source);
}

/** `--build-arg KEY=VALUE`, or `--build-arg KEY` to take the value from the environment (left out when unset, as docker does). */
export function buildArgs(values: readonly string[] | undefined, env: NodeJS.ProcessEnv): { key: string; value: string }[] {
  const args: { key: string; value: string }[] = [];
  for (const value of values ?? []) {
    const eq = value.indexOf('=');
    if (eq === 0) throw new CliError(`invalid argument "${value}" for "--build-arg" flag: empty key`, 125);
    if (eq > 0) args.push({ key: value.slice(0, eq), value: value.slice(eq + 1) });
    else if (env[value] !== undefined) args.push({ key: value, value: env[value]! });
  }
  return args;
}

/** `--label KEY=VALUE` (or `KEY`, an empty value). */
export function buildLabels(values: readonly string[] | undefined): { key: string; value: string }[] {
  return (values ?? []).map((value) => {
    const eq = value.indexOf('=');
    return eq < 0 ? { key: value, value: '' } : { key: value.slice(0, eq), value: value.slice(eq + 1) };
  });
}

async function readAll(stream: NodeJS.ReadableStream, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream as AsyncIterable<Buffer | string>) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    bytes += buffer.length;
    if (bytes > limit) throw new CliError(`${what} is over ${humanSize(limit)}: put the context at a URL the engine can fetch`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

const isTar = (data: Buffer) => data.length >= 512 && data.subarray(257, 262).toString('latin1') === 'ustar';
const isGzip = (data: Buffer) => data[0] === 0x1f && data[1] === 0x8b;

/** Counts what passes through, and stops past the limit. */
async function* counted(source: AsyncIterable<Buffer> | Iterable<Buffer>, counter: { bytes: number }): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    counter.bytes += chunk.length;
    if (counter.bytes > MAX_CONTEXT_BYTES) throw new CliError(`the build context is over ${humanSize(MAX_CONTEXT_BYTES)}: add a .dockerignore, or put the context at a URL the engine can fetch`);
    yield chunk;
  }
}

/** The Dockerfile's path relative to the context, or its content when it lies outside (docker then adds it under a random name). */
function locateDockerfile(contextDir: string, file: string | undefined): { inside: string } | { outside: Buffer } {
  const path = file ? resolve(file) : resolve(contextDir, 'Dockerfile');
  let isFile = false;
  try {
    isFile = statSync(path).isFile();
  } catch {
    // reported below
  }
  if (!isFile) throw new CliError(`unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat ${path}: no such file or directory`);
  const rel = relative(contextDir, path);
  if (rel && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel)) return { inside: rel.split(sep).join('/') };
  return { outside: readFileSync(path) };
}

type ContextInput = Pick<BuildImageInput, 'dockerfile' | 'dockerfilePath' | 'contextUpload' | 'contextUrl'>;

/** Reads the context as docker's CLI does (a directory, a URL, or `-` for a tar or a Dockerfile on stdin) and uploads it when it is local. */
async function prepareContext(rt: Runtime, client: HangarClient, source: string, options: BuildOptions): Promise<ContextInput> {
  if (isRemoteContext(source)) return { contextUrl: source, ...(options.file ? { dockerfilePath: options.file } : {}) };
  const upload = async (body: AsyncIterable<Buffer> | Iterable<Buffer>): Promise<string> => {
    const counter = { bytes: 0 };
    const stream = Readable.toWeb(Readable.from(counted(body, counter))) as unknown as ReadableStream<Uint8Array>;
    const { key } = await client.archives.uploadBuildContext({ context: stream });
    if (!options.quiet) rt.out(`Sending build context to Docker daemon  ${humanSize4(counter.bytes)}\n`);
    return key;
  };

  if (source === '-') {
    if (options.file === '-') throw new CliError('invalid argument: can\'t use stdin for both build context and dockerfile');
    if (rt.stdin.isTTY) throw new CliError('requested build context from stdin, but stdin is a terminal');
    let data = await readAll(rt.stdin, MAX_CONTEXT_BYTES, 'the build context on stdin');
    if (isGzip(data)) data = gunzipSync(data, { maxOutputLength: MAX_CONTEXT_BYTES });
    // A tar on stdin is the whole context; anything else is a Dockerfile with no context.
    if (isTar(data)) return { contextUpload: await upload([data]), ...(options.file ? { dockerfilePath: options.file } : {}) };
    return { dockerfile: data.toString('utf8') };
  }

  const contextDir = resolve(source);
  let isDir = false;
  try {
    isDir = statSync(contextDir).isDirectory();
  } catch {
    throw new CliError(`unable to prepare context: path "${source}" not found`);
  }
  if (!isDir) throw new CliError(`unable to prepare context: context must be a directory: ${contextDir}`);

  let ignoreText: string | undefined;
  try {
    ignoreText = readFileSync(resolve(contextDir, '.dockerignore'), 'utf8');
  } catch {
    ignoreText = undefined;
  }
  let patterns = ignoreText === undefined ? [] : parseDockerignore(ignoreText);
  const extra: ExtraFile[] = [];
  let dockerfilePath: string;
  const fromStdin = options.file === '-';
  const located: { inside: string } | { outside: Buffer } = fromStdin ? { outside: await readAll(rt.stdin, MAX_CONTEXT_BYTES, 'the Dockerfile on stdin') } : locateDockerfile(contextDir, options.file);
  if ('inside' in located) {
    dockerfilePath = located.inside;
  } else {
    // docker's AddDockerfileToBuildContext: the Dockerfile under a random name that .dockerignore then hides from COPY.
    dockerfilePath = `.dockerfile.${randomBytes(10).toString('hex')}`;
    extra.push({ name: dockerfilePath, content: located.outside });
    // With no .dockerignore, docker makes one that also hides itself.
    extra.push({ name: '.dockerignore', content: Buffer.from(`${ignoreText ?? '.dockerignore'}\n${dockerfilePath}\n`) });
  }
  let ignore: IgnoreMatcher;
  try {
    // docker's TrimBuildFilesFromExcludes: the Dockerfile and .dockerignore are always sent (the builder hides them from COPY).
    const probe = new IgnoreMatcher(patterns);
    if (probe.excludes('.dockerignore')) patterns = [...patterns, '!.dockerignore'];
    if (!fromStdin && 'inside' in located && probe.excludes(dockerfilePath)) patterns = [...patterns, `!${dockerfilePath}`];
    ignore = new IgnoreMatcher(patterns);
  } catch (error) {
    if (error instanceof PatternError || error instanceof Error) throw new CliError(`error checking context: ${error.message}`);
    throw error;
  }
  const key = await upload(contextTar(contextDir, ignore, extra));
  return { contextUpload: key, dockerfilePath };
}

/** docker exits with a failed RUN's own status. */
export function exitCodeOf(job: Pick<Job, 'error'>): number {
  const status = /returned a non-zero code: (\d+)/.exec(job.error?.message ?? '');
  const code = status ? Number(status[1]) : 1;
  return code > 0 && code < 256 ? code : 1;
}

/**
 * Prints each job's build output as it is written (its log, read from the line last seen on every update and at
 * least every half second), then the failures on stderr. With `quiet`, only the built image IDs.
 */
async function followBuildLogs(rt: Runtime, client: HangarClient, batch: BatchHandle, { multiHost, quiet }: { multiHost: boolean; quiet: boolean }): Promise<void> {
  const seen = new Map(batch.jobs.map((job) => [job.id, 0]));
  const done = new Map<string, Job>();
  let wake: (() => void) | undefined;
  const updates = batch.progress();
  const watching = (async () => {
    for await (const _job of updates) wake?.();
  })().catch(() => undefined);
  try {
    for (;;) {
      for (const handle of batch.jobs) {
        if (done.has(handle.id)) continue;
        for (;;) {
          const from = seen.get(handle.id)!;
          const { job } = await client.jobLogs({ id: handle.id, from, last: LOG_PAGE });
          if (!job) throw new CliError(`NOT_FOUND: job ${handle.id} is gone`);
          seen.set(handle.id, from + job.logs.length);
          // The job and its log come from one read: once it has finished, a short page is the end of its log.
          const final = isFinished(job) && job.logs.length < LOG_PAGE ? job : undefined;
          if (!quiet) {
            const failure = final?.error ? `error: ${final.error.message}` : undefined;
            for (const line of job.logs) if (line !== failure) rt.out(multiHost ? `${handle.host}: ${line}\n` : `${line}\n`);
          }
          if (final) done.set(handle.id, final);
          if (job.logs.length < LOG_PAGE) break;
        }
      }
      if (batch.jobs.every((handle) => done.has(handle.id))) break;
      await new Promise<void>((resolveWait) => {
        const timer = setTimeout(resolveWait, LOG_POLL_MS);
        wake = () => {
          clearTimeout(timer);
          resolveWait();
        };
      });
      wake = undefined;
    }
  } finally {
    await updates.return(undefined);
    await watching;
  }
  for (const handle of batch.jobs) {
    const job = done.get(handle.id)!;
    const where = multiHost ? `${job.host}: ` : '';
    if (job.state === 'COMPLETED') {
      if (quiet && job.result?.imageId) rt.out(`${where}${job.result.imageId}\n`);
      continue;
    }
    const reason = job.state === 'CANCELLED' ? `job ${job.id} was cancelled` : (job.error?.message ?? 'the build failed');
    rt.err(`${where}${reason}\n`);
    rt.exitCode = Math.max(rt.exitCode, exitCodeOf(job));
  }
}

export function buildCommand(rt: Runtime, name: string): Command {
  const command = new Command(name)
    .description('Build an image from a Dockerfile on hosts, as jobs (the output streams as it is written)')
    .usage('[OPTIONS] PATH | URL | -')
    .argument('<PATH | URL | ->', 'a context directory, a URL the engine fetches (git or tar), or - for a tar or a Dockerfile on STDIN')
    .option('-t, --tag <name>', 'Name and optionally a tag in the "name:tag" format (repeatable)', collect)
    .option('-f, --file <string>', "Name of the Dockerfile (default: 'PATH/Dockerfile'; - for STDIN)")
    .option('--build-arg <KEY=VALUE>', 'Set build-time variables (repeatable)', collect)
    .option('--label <KEY=VALUE>', 'Set metadata for an image (repeatable)', collect)
    .option('--target <string>', 'Set the target build stage to build')
    .option('--no-cache', 'Do not use cache when building the image')
    .option('--pull', 'Always attempt to pull a newer version of the image')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .option('-q, --quiet', 'Suppress the build output and print image ID on success');
  hostOptions(command);
  return command.action(async (source: string, options: BuildOptions) => {
    const selection = await selectHosts(rt, options, name);
    const client = rt.client();
    const context = await prepareContext(rt, client, source, options);
    const batch = await client.run.build({
      ...context,
      ...mutationHosts(selection),
      tags: options.tag,
      buildArgs: buildArgs(options.buildArg, rt.env),
      labels: buildLabels(options.label),
      target: options.target,
      noCache: options.cache === false,
      pull: options.pull,
      platform: options.platform,
    });
    await followBatch(rt, batch, selection.multiHost, (_initial, multiHost) => followBuildLogs(rt, client, batch, { multiHost, quiet: Boolean(options.quiet) }));
  });
}
