import { Command } from 'commander';
import { HISTORY_HEADERS, historyFormat, historyRow } from '../docker/history-rows.js';
import { formatRows } from '../format/docker-format.js';
import type { FieldContext } from '../format/go-template.js';
import { selectHosts, type HostOptions } from '../flags/host-selection.js';
import type { Runtime } from '../runtime.js';
import { boolFlag, FORMAT_HELP, hostOptions, noSuchHost, noSuchImage, templateFailure } from './shared.js';

interface HistoryOptions extends HostOptions {
  human: boolean;
  quiet?: boolean;
  trunc: boolean;
  format?: string;
}

export function historyCommand(rt: Runtime, name: string): Command {
  const command = new Command(name)
    .description('Show the history of an image')
    .usage('[OPTIONS] IMAGE')
    .argument('<IMAGE>', 'name[:tag], name@digest, image ID or ID prefix')
    .option('--format <string>', FORMAT_HELP)
    // docker's `-H` means --human; in hangar -H is the host, so --human is long-only.
    .option('--human [bool]', 'Print sizes and dates in human readable format (default true)', boolFlag('human'), true)
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs');
  hostOptions(command);
  return command.action(async (ref: string, options: HistoryOptions) => {
    const selection = await selectHosts(rt, options, 'history');
    const historyOptions = { quiet: Boolean(options.quiet), noTrunc: !options.trunc, human: options.human, multiHost: selection.multiHost };
    const hosts = selection.hosts ?? (await rt.client().hosts()).hosts.map((host) => host.name);
    const rows: FieldContext[] = [];
    for (const host of hosts) {
      const { host: found } = await rt.client().imageHistory({ host, ref });
      if (!found) throw noSuchHost(host);
      if (!found.image) throw noSuchImage(ref, selection.multiHost ? host : undefined);
      rows.push(...found.image.history.map((entry) => historyRow(entry, host, historyOptions)));
    }
    try {
      rt.out(formatRows(historyFormat(options.format, historyOptions), rows, HISTORY_HEADERS));
    } catch (error) {
      templateFailure(error);
    }
  });
}
