import { Command } from 'commander';
import { inspectObject } from '../docker/inspect-json.js';
import { goJsonIndent } from '../format/go-json.js';
import { renderTemplate } from '../format/go-template.js';
import { templateString } from '../format/docker-format.js';
import { selectHosts, type HostOptions } from '../flags/host-selection.js';
import type { Runtime } from '../runtime.js';
import { describeCoded, hostOptions, noSuchHost, templateFailure } from './shared.js';

interface InspectOptions extends HostOptions {
  format?: string;
}

export function imageInspectCommand(rt: Runtime): Command {
  const command = new Command('inspect')
    .description('Display detailed information on one or more images')
    .usage('[OPTIONS] IMAGE [IMAGE...]')
    .argument('<IMAGE...>', 'name[:tag], name@digest, image ID or ID prefix')
    .option('-f, --format <string>', "Format output using a custom template:\n'json':     Print in JSON format\n'TEMPLATE': Print output using the given Go template");
  hostOptions(command);
  return command.action(async (refs: string[], options: InspectOptions) => {
    const selection = await selectHosts(rt, options, 'image inspect');
    const hosts = selection.hosts ?? (await rt.client().hosts()).hosts.map((host) => host.name);
    const found: Record<string, unknown>[] = [];
    const missing: string[] = [];
    for (const host of hosts) {
      for (const ref of refs) {
        const { host: answer } = await rt.client().imageInspect({ host, ref });
        if (!answer) throw noSuchHost(host);
        if (answer.image) found.push(inspectObject(answer.image, { withHost: selection.multiHost }));
        else missing.push(describeCoded('NOT_FOUND', `No such image: ${ref}`, selection.multiHost ? host : undefined));
      }
    }
    if (options.format === undefined || options.format === 'json') {
      rt.out(`${goJsonIndent(found)}\n`);
    } else {
      try {
        for (const image of found) rt.out(`${renderTemplate(templateString(options.format), image)}\n`);
      } catch (error) {
        templateFailure(error);
      }
    }
    for (const line of missing) rt.err(`Error: ${line}\n`);
    if (missing.length > 0) rt.exitCode = 1;
  });
}
