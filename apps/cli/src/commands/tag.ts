import { Command } from 'commander';
import { onlyHost, selectHosts, type HostOptions } from '../flags/host-selection.js';
import type { Runtime } from '../runtime.js';
import { hostOptions, reportUserErrors } from './shared.js';

export function tagCommand(rt: Runtime, name: string): Command {
  const command = new Command(name)
    .description('Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE')
    .usage('SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]')
    .argument('<SOURCE_IMAGE[:TAG]>')
    .argument('<TARGET_IMAGE[:TAG]>');
  hostOptions(command, { single: true });
  return command.action(async (source: string, target: string, options: HostOptions) => {
    const host = onlyHost(await selectHosts(rt, options, 'tag', { single: true }));
    const { tagImage } = await rt.client().tagImage({ input: { host, source, target } });
    reportUserErrors(rt, tagImage.userErrors);
  });
}
