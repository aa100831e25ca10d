import { isFinished, jobHandle, type BatchHandle, type Job } from '@hangar/sdk';
import { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { formatRows } from '../format/docker-format.js';
import { FieldContext } from '../format/go-template.js';
import { createdSince } from '../format/go-units.js';
import { collect } from '../flags/filters.js';
import { mutationHosts, selectHosts, type HostOptions } from '../flags/host-selection.js';
import { PlainProgress, ProgressBoard, redraw } from '../progress/job-progress.js';
import type { Runtime } from '../runtime.js';
import { FORMAT_HELP, hostOptions, positiveInt, reportUserErrors, templateFailure } from './shared.js';

/** How often a terminal board is redrawn at most. */
const REDRAW_MS = 100;

/**
 * Follows jobs to their end, drawing docker's progress (bars on a terminal, status lines otherwise). Failed or
 * cancelled jobs are `Error response from daemon: …` lines on stderr and exit status 1.
 */
export async function followJobs(rt: Runtime, initial: readonly Job[], updates: AsyncIterable<Job> | Iterable<Job>, { multiHost }: { multiHost: boolean }): Promise<Job[]> {
  const latest = new Map(initial.map((job) => [job.id, job]));
  const tty = Boolean(rt.stdout.isTTY);
  const columns = (rt.stdout as { columns?: number }).columns;
  const board = new ProgressBoard(initial, multiHost);
  const plain = new PlainProgress(multiHost);
  let drawn = 0;
  let lastDraw = 0;
  const draw = (force = false) => {
    const now = Date.now();
    if (!force && now - lastDraw < REDRAW_MS) return;
    lastDraw = now;
    const lines = board.lines();
    rt.out(redraw(drawn, lines, columns));
    drawn = lines.length;
  };
  if (tty) draw(true);
  else for (const job of initial) for (const line of plain.update(job)) rt.out(`${line}\n`);
  for await (const job of updates) {
    if (!latest.has(job.id)) continue;
    latest.set(job.id, job);
    if (tty) {
      board.update(job);
      draw(isFinished(job));
    } else {
      for (const line of plain.update(job)) rt.out(`${line}\n`);
    }
  }
  if (tty) draw(true);
  const finals = [...latest.values()];
  for (const job of finals) {
    if (job.state === 'COMPLETED') continue;
    const where = multiHost ? `${job.host}: ` : '';
    const reason = job.state === 'CANCELLED' ? `job ${job.id} was cancelled` : isFinished(job) ? (job.error?.message ?? 'failed') : `job ${job.id} is still ${job.state}`;
    rt.err(`Error response from daemon: ${where}${reason}${job.error?.code ? ` (${job.error.code})` : ''}\n`);
    rt.exitCode = 1;
  }
  const refs = new Set(finals.filter((job) => job.state === 'COMPLETED' && job.kind === 'PULL').map((job) => job.subject));
  for (const ref of refs) rt.out(`${ref}\n`);
  return finals;
}

/**
 * Reports the hosts that started nothing, then follows the jobs that did start (with docker's progress, or with
 * `follow`), keeping the worst exit status.
 */
export async function followBatch(
  rt: Runtime,
  batch: BatchHandle,
  multiHost: boolean,
  follow: (initial: Job[], multiHost: boolean) => Promise<unknown> = (initial, many) => followJobs(rt, initial, batch.progress(), { multiHost: many }),
): Promise<void> {
  reportUserErrors(rt, batch.userErrors, { multiHost });
  const initial = batch.jobs.map((job) => job.initial!);
  if (initial.length === 0) {
    if (batch.userErrors.length === 0) throw new CliError('no job was started: no host matches');
    return;
  }
  const before = rt.exitCode;
  await follow(initial, multiHost || initial.length > 1);
  rt.exitCode = Math.max(before, rt.exitCode);
}

interface PullOptions extends HostOptions {
  platform?: string;
  registry?: string;
}

export function pullCommand(rt: Runtime, name: string): Command {
  const command = new Command(name)
    .description('Download an image from a registry onto hosts, as jobs')
    .usage('[OPTIONS] NAME[:TAG|@DIGEST]')
    .argument('<NAME>', 'name[:tag] or name@digest')
    .option('--platform <string>', 'Set platform if server is multi-platform capable')
    .option('--registry <name>', "Registry configured in Hangar whose credentials to use (default: the one the reference's host names)");
  hostOptions(command);
  return command.action(async (ref: string, options: PullOptions) => {
    const selection = await selectHosts(rt, options, name);
    const batch = await rt.client().run.pull({ ref, ...mutationHosts(selection), platform: options.platform, registry: options.registry });
    await followBatch(rt, batch, selection.multiHost);
  });
}

export function pushCommand(rt: Runtime, name: string): Command {
  const command = new Command(name)
    .description('Upload an image from hosts to a registry, as jobs')
    .usage('[OPTIONS] NAME[:TAG]')
    .argument('<NAME>', 'name[:tag], tagged for the registry')
    .option('--registry <name>', 'Registry configured in Hangar whose credentials to use');
  hostOptions(command);
  return command.action(async (ref: string, options: PullOptions) => {
    const selection = await selectHosts(rt, options, name);
    const batch = await rt.client().run.push({ ref, ...mutationHosts(selection), registry: options.registry });
    await followBatch(rt, batch, selection.multiHost);
  });
}

/**
 * `hangar image copy SOURCE_HOST IMAGE -H TARGET…`: the image goes engine to engine (the source's save piped into
 * each target's load), no registry in between, keeping its ID; one job per target.
 */
export function copyCommand(rt: Runtime, name: string): Command {
  const command = new Command(name)
    .description('Copy an image from one host to others, engine to engine, as jobs (no registry)')
    .usage('[OPTIONS] SOURCE_HOST IMAGE')
    .argument('<SOURCE_HOST>', 'the host that has the image')
    .argument('<IMAGE>', 'name[:tag], image ID or ID prefix on the source host');
  command.option('-H, --host <name>', 'Target host (repeatable, or comma-separated)', collect);
  command.option('--all-hosts', 'Copy to every other host of the fleet that is up (each host that is down is an error line)');
  return command.action(async (sourceHost: string, ref: string, options: HostOptions) => {
    const selection = await selectHosts(rt, options, name);
    if (selection.allHosts) {
      // Hangar picks every other host and reports the ones that are down (one error line each, exit status 1).
      const batch = await rt.client().run.copy({ ref, sourceHost, allHosts: true });
      await followBatch(rt, batch, true);
      return;
    }
    const targetHosts = selection.hosts!;
    if (targetHosts.includes(sourceHost)) throw new CliError(`"${sourceHost}" is the source: choose other hosts to copy to`);
    if (targetHosts.length === 0) throw new CliError('no host to copy to');
    const batch = await rt.client().run.copy({ ref, sourceHost, targetHosts });
    await followBatch(rt, batch, targetHosts.length > 1);
  });
}

export const JOB_HEADERS = {
  ID: 'JOB ID',
  Kind: 'KIND',
  Host: 'HOST',
  State: 'STATE',
  Subject: 'SUBJECT',
  CreatedSince: 'CREATED',
  CreatedAt: 'CREATED AT',
  Batch: 'BATCH',
  Attempts: 'ATTEMPTS',
  Progress: 'PROGRESS',
  Error: 'ERROR',
  RequestedBy: 'REQUESTED BY',
} as const;

export const DEFAULT_JOB_TABLE = 'table {{.ID}}\t{{.Kind}}\t{{.Host}}\t{{.State}}\t{{.Subject}}\t{{.CreatedSince}}';

export function jobFormat(format: string | undefined, quiet: boolean): string {
  const source = format ?? 'table';
  if (source !== 'table') return source;
  return quiet ? '{{.ID}}' : DEFAULT_JOB_TABLE;
}

/** One `hangar job ls` row. */
export function jobRow(job: Job, now = new Date()): FieldContext {
  return new FieldContext('*hangar.jobContext', {
    ID: () => job.id,
    Kind: () => job.kind,
    Host: () => job.host,
    State: () => job.state,
    Subject: () => job.subject,
    CreatedSince: () => createdSince(new Date(job.createdAt), now),
    CreatedAt: () => job.createdAt,
    Batch: () => job.batchId ?? '',
    Attempts: () => job.attempts,
    Progress: () => (job.progress ? `${job.progress.phase}${job.progress.percent == null ? '' : ` ${Math.round(job.progress.percent)}%`}` : ''),
    Error: () => (job.error ? `${job.error.code}: ${job.error.message}` : ''),
    RequestedBy: () => job.requestedBy,
  });
}

interface JobLsOptions {
  filter?: string[];
  format?: string;
  quiet?: boolean;
  last?: number;
  host?: string[];
}

type JobKind = Job['kind'];
type JobState = Job['state'];

/** `-f state=failed`, `-f kind=pull`, `-f host=alpha`, `-f batch=ID` (repeatable; same key: any of). */
export function jobFilter(filters: readonly string[] | undefined, hosts: readonly string[] | undefined) {
  const states: JobState[] = [];
  const kinds: JobKind[] = [];
  const hostNames = (hosts ?? []).flatMap((host) => host.split(',')).filter(Boolean);
  let batchId: string | undefined;
  for (const filter of filters ?? []) {
    const eq = filter.indexOf('=');
    const [key, value] = eq < 0 ? [filter, ''] : [filter.slice(0, eq), filter.slice(eq + 1)];
    if (key === 'state') states.push(value.toUpperCase() as JobState);
    else if (key === 'kind') kinds.push(value.toUpperCase() as JobKind);
    else if (key === 'host') hostNames.push(value);
    else if (key === 'batch') batchId = value;
    else throw new CliError(`invalid filter '${key}'`);
  }
  return {
    ...(states.length ? { states } : {}),
    ...(kinds.length ? { kinds } : {}),
    ...(hostNames.length ? { hosts: hostNames } : {}),
    ...(batchId ? { batchId } : {}),
  };
}

function jobLsCommand(rt: Runtime): Command {
  return new Command('ls')
    .alias('list')
    .description('List jobs, newest first')
    .usage('[OPTIONS]')
    .option('-f, --filter <filter>', 'Filter output (state=, kind=, host=, batch=)', collect)
    .option('-H, --host <name>', 'Only jobs on this host (repeatable)', collect)
    .option('--format <string>', FORMAT_HELP)
    .option('-n, --last <int>', 'Show n last created jobs (default 100)', positiveInt('last'))
    .option('-q, --quiet', 'Only display job IDs')
    .action(async (options: JobLsOptions) => {
      const { jobs } = await rt.client().jobs({ filter: jobFilter(options.filter, options.host), first: options.last ?? 100 });
      const now = new Date();
      try {
        rt.out(formatRows(jobFormat(options.format, Boolean(options.quiet)), jobs.nodes.map((job) => jobRow(job, now)), JOB_HEADERS));
      } catch (error) {
        templateFailure(error);
      }
    });
}

function jobLogsCommand(rt: Runtime): Command {
  return new Command('logs')
    .description("Print a job's log (pull and push status lines, build output, errors)")
    .usage('[OPTIONS] JOB')
    .argument('<JOB>', 'job ID')
    .option('-n, --tail <int>', 'Number of lines to show from the end of the log (default 1000)', positiveInt('tail'))
    .action(async (id: string, options: { tail?: number }) => {
      const { job } = await rt.client().job({ id, logs: options.tail ?? 1000 });
      if (!job) throw new CliError(`NOT_FOUND: No such job: ${id}`);
      rt.out(job.logs.map((line) => `${line}\n`).join(''));
    });
}

function jobWatchCommand(rt: Runtime): Command {
  return new Command('watch')
    .description("Follow a job's progress until it ends")
    .usage('JOB')
    .argument('<JOB>', 'job ID')
    .action(async (id: string) => {
      const { job } = await rt.client().job({ id, logs: 1 });
      if (!job) throw new CliError(`NOT_FOUND: No such job: ${id}`);
      await followJobs(rt, [job], isFinished(job) ? [] : jobHandle(rt.client(), id).progress(), { multiHost: false });
    });
}

function jobCancelCommand(rt: Runtime): Command {
  return new Command('cancel')
    .description('Cancel one or more queued or running jobs')
    .usage('JOB [JOB...]')
    .argument('<JOB...>', 'job IDs')
    .action(async (ids: string[]) => {
      for (const id of ids) {
        const { cancelJob } = await rt.client().cancelJob({ id });
        if (cancelJob.userErrors.length > 0) reportUserErrors(rt, cancelJob.userErrors);
        else rt.out(`${id}\n`);
      }
    });
}

function jobRetryCommand(rt: Runtime): Command {
  return new Command('retry')
    .description('Run a failed or cancelled job again')
    .usage('JOB')
    .argument('<JOB>', 'job ID')
    .action(async (id: string) => {
      const batch = await rt.client().run.retry(id);
      await followBatch(rt, batch, false);
    });
}

/** `hangar job ls|logs|watch|cancel|retry`. */
export function jobCommand(rt: Runtime): Command {
  const job = new Command('job').description('Pulls, pushes, builds and copies running as jobs').usage('COMMAND');
  job.addCommand(jobLsCommand(rt));
  job.addCommand(jobLogsCommand(rt));
  job.addCommand(jobWatchCommand(rt));
  job.addCommand(jobCancelCommand(rt));
  job.addCommand(jobRetryCommand(rt));
  return job;
}
