import { Command } from 'commander';
import { HOST_HEADERS, hostFormat, hostRow } from '../docker/host-rows.js';
import { formatRows } from '../format/docker-format.js';
import { collect, hostFilter, hostMatches } from '../flags/filters.js';
import type { Runtime } from '../runtime.js';
import { FORMAT_HELP, templateFailure } from './shared.js';

interface HostLsOptions {
  filter?: string[];
  format?: string;
  quiet?: boolean;
  refresh?: boolean;
}

export function hostLsCommand(rt: Runtime): Command {
  return new Command('ls')
    .alias('list')
    .description('List the hosts of the fleet with their health')
    .usage('[OPTIONS]')
    .option('-f, --filter <filter>', 'Filter output (label=KEY[=VALUE], status=up|down, name=NAME)', collect)
    .option('--format <string>', FORMAT_HELP)
    .option('-q, --quiet', 'Only show host names')
    .option('--refresh', 'Check every host now')
    .action(async (options: HostLsOptions) => {
      const filter = hostFilter(options.filter);
      const { hosts } = await rt.client().hosts({ refresh: Boolean(options.refresh) });
      const rows = hosts.filter((host) => hostMatches(host, filter)).map(hostRow);
      try {
        rt.out(formatRows(hostFormat(options.format, Boolean(options.quiet)), rows, HOST_HEADERS));
      } catch (error) {
        templateFailure(error);
      }
    });
}
