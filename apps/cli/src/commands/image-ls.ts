import { allNodes, type ImageFilterInput, type ImageSummaryFragment } from '@hangar/sdk';
import { Command } from 'commander';
import { IMAGE_HEADERS, imageListFormat, imageRows } from '../docker/image-rows.js';
import { formatRows } from '../format/docker-format.js';
import { collect, imageFilter } from '../flags/filters.js';
import { selectHosts, type HostOptions } from '../flags/host-selection.js';
import type { Runtime } from '../runtime.js';
import { FORMAT_HELP, hostOptions, noSuchHost, reportHostErrors, templateFailure } from './shared.js';

interface ImageLsOptions extends HostOptions {
  all?: boolean;
  quiet?: boolean;
  digests?: boolean;
  trunc: boolean;
  filter?: string[];
  format?: string;
}

const PAGE = 1000;

/** Every image of the selection (all pages), and the hosts that could not answer. */
async function listImages(rt: Runtime, hosts: string[] | undefined, filter: ImageFilterInput | undefined, all: boolean) {
  const client = rt.client();
  if (hosts?.length === 1) {
    const host = hosts[0]!;
    const images = await allNodes(async (after) => {
      const { host: found } = await client.hostImages({ host, filter, all, first: PAGE, after });
      if (!found) throw noSuchHost(host);
      return found.images;
    });
    return { images, hostErrors: [] };
  }
  const hostErrors = new Map<string, { host: string; code: string; message: string }>();
  const images: ImageSummaryFragment[] = await allNodes(async (after) => {
    const { images: page } = await client.fleetImages({ hosts, filter, all, first: PAGE, after });
    for (const error of page.hostErrors) hostErrors.set(error.host, error);
    return page;
  });
  return { images, hostErrors: [...hostErrors.values()] };
}

export function imageLsCommand(rt: Runtime, name: string, usage: string): Command {
  const command = new Command(name)
    .description('List images')
    .usage(usage)
    .argument('[REPOSITORY[:TAG]]', 'only images of this repository (a reference filter)')
    .option('-a, --all', 'Show all images (default hides intermediate images)')
    .option('--digests', 'Show digests')
    .option('-f, --filter <filter>', 'Filter output based on conditions provided (dangling, label, reference, before, since, until)', collect)
    .option('--format <string>', FORMAT_HELP)
    .option('--no-trunc', "Don't truncate output")
    .option('-q, --quiet', 'Only show image IDs');
  hostOptions(command);
  return command.action(async (matchName: string | undefined, options: ImageLsOptions) => {
    const filter = imageFilter(options.filter, matchName);
    const selection = await selectHosts(rt, options, 'image ls');
    const listOptions = { quiet: Boolean(options.quiet), digests: Boolean(options.digests), noTrunc: !options.trunc, multiHost: selection.multiHost };
    const format = imageListFormat(options.format, listOptions);
    const { images, hostErrors } = await listImages(rt, selection.hosts, filter, Boolean(options.all));
    try {
      rt.out(formatRows(format, images.flatMap((image) => imageRows(image, { ...listOptions, format })), IMAGE_HEADERS));
    } catch (error) {
      templateFailure(error);
    }
    reportHostErrors(rt, hostErrors);
  });
}
