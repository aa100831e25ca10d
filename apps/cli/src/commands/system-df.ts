import { Command } from 'commander';
import { DISK_USAGE_HEADERS, DISK_USAGE_IMAGE_HEADERS, DISK_USAGE_IMAGE_TABLE, diskUsageFormat, diskUsageImageRows, diskUsageRows } from '../docker/disk-usage-rows.js';
import { formatRows } from '../format/docker-format.js';
import { humanSize4 } from '../format/go-units.js';
import { selectHosts, type HostOptions } from '../flags/host-selection.js';
import type { Runtime } from '../runtime.js';
import { FORMAT_HELP, hostOptions, reportHostErrors, templateFailure } from './shared.js';

interface DfOptions extends HostOptions {
  format?: string;
  verbose?: boolean;
}

export function systemDfCommand(rt: Runtime): Command {
  const command = new Command('df')
    .description('Show docker disk usage')
    .usage('[OPTIONS]')
    .option('--format <string>', FORMAT_HELP)
    .option('-v, --verbose', 'Show detailed information on space usage (images)');
  hostOptions(command);
  return command.action(async (options: DfOptions) => {
    const selection = await selectHosts(rt, options, 'system df');
    const { fleetDiskUsage } = await rt.client().fleetDiskUsage({ hosts: selection.hosts });
    try {
      if (options.verbose) {
        const table = selection.multiHost ? DISK_USAGE_IMAGE_TABLE.replace(/^table /, 'table {{.Host}}\t') : DISK_USAGE_IMAGE_TABLE;
        rt.out(`Images space usage:\n\n${formatRows(options.format ?? table, fleetDiskUsage.hosts.flatMap(diskUsageImageRows), DISK_USAGE_IMAGE_HEADERS)}`);
        const buildCache = fleetDiskUsage.hosts.reduce((sum, usage) => sum + usage.buildCache.size, 0);
        rt.out(`\nBuild cache usage: ${humanSize4(buildCache)}\n`);
      } else {
        const rows = fleetDiskUsage.hosts.flatMap((usage) => diskUsageRows(usage, selection.multiHost));
        rt.out(formatRows(diskUsageFormat(options.format, selection.multiHost), rows, DISK_USAGE_HEADERS));
      }
    } catch (error) {
      templateFailure(error);
    }
    reportHostErrors(rt, fleetDiskUsage.hostErrors);
  });
}
