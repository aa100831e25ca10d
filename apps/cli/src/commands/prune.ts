import { Command } from 'commander';
import { humanSize4 } from '../format/go-units.js';
import { collect, pruneFilter } from '../flags/filters.js';
import { mutationHosts, selectHosts, type HostOptions } from '../flags/host-selection.js';
import type { Runtime } from '../runtime.js';
import { hostOptions, reportUserErrors } from './shared.js';
import { removalLines } from './rmi.js';

interface PruneOptions extends HostOptions {
  all?: boolean;
  filter?: string[];
  force?: boolean;
  dryRun?: boolean;
}

const DANGLING_WARNING = 'WARNING! This will remove all dangling images.\nAre you sure you want to continue?';
const ALL_WARNING = 'WARNING! This will remove all images without at least one container associated to them.\nAre you sure you want to continue?';

/** docker's prompt: the answer is one line of stdin; only y/yes (any case) goes on. */
async function confirm(rt: Runtime, warning: string): Promise<boolean> {
  rt.out(`${warning} [y/N] `);
  const line = await new Promise<string>((resolve) => {
    let buffer = '';
    const stream = rt.stdin;
    const done = () => {
      stream.off('data', onData);
      stream.off('end', done);
      stream.pause?.();
      resolve(buffer.split('\n')[0] ?? '');
    };
    const onData = (chunk: Buffer | string) => {
      buffer += chunk.toString();
      if (buffer.includes('\n')) done();
    };
    stream.on('data', onData);
    stream.on('end', done);
    stream.resume?.();
  });
  const answer = line.trim().toLowerCase();
  return answer === 'y' || answer === 'yes';
}

export function pruneCommand(rt: Runtime): Command {
  const command = new Command('prune')
    .description('Remove unused images')
    .usage('[OPTIONS]')
    .option('-a, --all', 'Remove all unused images, not just dangling ones')
    .option('--filter <filter>', 'Provide filter values (e.g. "until=<timestamp>", "label=k=v", "label!=k")', collect)
    .option('-f, --force', 'Do not prompt for confirmation')
    .option('--dry-run', 'Change nothing; print what would be removed and the space it would free (Hangar)');
  hostOptions(command);
  return command.action(async (options: PruneOptions) => {
    const filter = pruneFilter(options.filter);
    const selection = await selectHosts(rt, options, 'image prune');
    if (!options.force && !options.dryRun && !(await confirm(rt, options.all ? ALL_WARNING : DANGLING_WARNING))) return;
    const { pruneImages } = await rt.client().pruneImages({
      input: { ...mutationHosts(selection), all: Boolean(options.all), dryRun: Boolean(options.dryRun), ...filter },
    });
    const lines = removalLines(pruneImages.results, { multiHost: selection.multiHost, capitalized: false });
    if (lines) rt.out(`Deleted Images:\n${lines}\n`);
    const reclaimed = pruneImages.results.reduce((sum, result) => sum + result.reclaimedBytes, 0);
    rt.out(`Total reclaimed space: ${humanSize4(reclaimed)}\n`);
    reportUserErrors(rt, pruneImages.userErrors, { multiHost: selection.multiHost });
  });
}
