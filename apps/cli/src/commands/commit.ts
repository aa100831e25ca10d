import { Command } from 'commander';
import { collect, splitRepoTag } from '../flags/filters.js';
import { onlyHost, selectHosts, type HostOptions } from '../flags/host-selection.js';
import type { Runtime } from '../runtime.js';
import { boolFlag, hostOptions, reportUserErrors } from './shared.js';

interface CommitOptions extends HostOptions {
  author?: string;
  change?: string[];
  message?: string;
  pause: boolean;
}

export function commitCommand(rt: Runtime, name: string): Command {
  const command = new Command(name)
    .description("Create a new image from a container's changes")
    .usage('[OPTIONS] CONTAINER [REPOSITORY[:TAG]]')
    .argument('<CONTAINER>', 'container name or ID')
    .argument('[REPOSITORY[:TAG]]', 'name of the new image')
    .option('-a, --author <string>', 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")')
    .option('-c, --change <instruction>', 'Apply Dockerfile instruction to the created image (repeatable)', collect)
    .option('-m, --message <string>', 'Commit message')
    .option('-p, --pause [bool]', 'Pause container during commit (default true)', boolFlag('pause'), true);
  hostOptions(command, { single: true });
  return command.action(async (container: string, reference: string | undefined, options: CommitOptions) => {
    const host = onlyHost(await selectHosts(rt, options, 'commit', { single: true }));
    const { repo, tag } = reference ? splitRepoTag(reference) : { repo: undefined, tag: undefined };
    const { commitContainer } = await rt.client().commitContainer({
      input: { host, container, repo, tag, author: options.author, message: options.message, changes: options.change, pause: options.pause },
    });
    if (commitContainer.image) rt.out(`${commitContainer.image.imageId}\n`);
    reportUserErrors(rt, commitContainer.userErrors);
  });
}
