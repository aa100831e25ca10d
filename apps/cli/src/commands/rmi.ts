import type { ImageRemovalFieldsFragment } from '@hangar/sdk';
import { Command } from 'commander';
import { mutationHosts, selectHosts, type HostOptions } from '../flags/host-selection.js';
import type { Runtime } from '../runtime.js';
import { hostOptions, reportUserErrors } from './shared.js';

interface RmiOptions extends HostOptions {
  force?: boolean;
  prune: boolean;
  dryRun?: boolean;
}

/** docker rmi's lines (`Untagged: …`, `Deleted: …`), prefixed with the host when several hosts were asked. */
export function removalLines(results: readonly ImageRemovalFieldsFragment[], { multiHost, capitalized }: { multiHost: boolean; capitalized: boolean }): string {
  const [untagged, deleted] = capitalized ? ['Untagged', 'Deleted'] : ['untagged', 'deleted'];
  return results
    .flatMap((result) => {
      const prefix = multiHost ? `${result.host}: ` : '';
      return [...result.untagged.map((ref) => `${prefix}${untagged}: ${ref}\n`), ...result.deleted.map((id) => `${prefix}${deleted}: ${id}\n`)];
    })
    .join('');
}

export function rmiCommand(rt: Runtime, name: string): Command {
  const command = new Command(name)
    .description('Remove one or more images')
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .argument('<IMAGE...>', 'name[:tag], name@digest, image ID or ID prefix')
    .option('-f, --force', 'Force removal of the image')
    .option('--no-prune', 'Do not delete untagged parents')
    .option('--dry-run', 'Change nothing; print what would be removed (Hangar)');
  hostOptions(command);
  return command.action(async (refs: string[], options: RmiOptions) => {
    const selection = await selectHosts(rt, options, 'rmi');
    const { removeImages } = await rt.client().removeImages({
      input: { ...mutationHosts(selection), refs, force: Boolean(options.force), noPrune: !options.prune, dryRun: Boolean(options.dryRun) },
    });
    rt.out(removalLines(removeImages.results, { multiHost: selection.multiHost, capitalized: true }));
    reportUserErrors(rt, removeImages.userErrors, { multiHost: selection.multiHost });
  });
}
