// Lists the images on every host labelled role=web, newest first, with the hosts that could not answer.
//
//   HANGAR_URL=http://127.0.0.1:4000 HANGAR_TOKEN=… npx tsx packages/sdk/examples/web-images.ts [role]
//
// (Pulling a new image there, with live progress, comes here when Hangar has jobs.)
import { allNodes, createHangarClient, HangarError, type HostFieldsFragment, type ImageSummaryFragment } from '@hangar/sdk';

/** Hosts whose configuration labels include `key=value`. */
export function hostsLabelled(hosts: readonly HostFieldsFragment[], key: string, value: string): HostFieldsFragment[] {
  return hosts.filter((host) => host.labels.some((label) => label.key === key && label.value === value));
}

/** One line per image and tag: `host  repo:tag  shortId  size`. */
export function describeImage(image: ImageSummaryFragment): string[] {
  const names = image.repoTags.length > 0 ? image.repoTags : ['<none>:<none>'];
  return names.map((name) => `${image.hostName.padEnd(10)} ${name.padEnd(40)} ${image.shortId}  ${(image.size / 1e6).toFixed(2)} MB`);
}

async function main(): Promise<void> {
  const url = process.env.HANGAR_URL;
  const token = process.env.HANGAR_TOKEN;
  if (!url || !token) throw new Error('set HANGAR_URL and HANGAR_TOKEN');
  const role = process.argv[2] ?? 'web';
  const hangar = createHangarClient({ url, token });

  const { hosts } = await hangar.hosts();
  const web = hostsLabelled(hosts, 'role', role);
  if (web.length === 0) {
    console.log(`no host is labelled role=${role}`);
    return;
  }

  // One fleet-wide query for those hosts, every page of it; hosts that are down come back as hostErrors.
  const hostErrors = new Map<string, string>();
  const images = await allNodes(async (after) => {
    const { images: page } = await hangar.fleetImages({ hosts: web.map((host) => host.name), first: 500, after });
    for (const error of page.hostErrors) hostErrors.set(error.host, `${error.code}: ${error.message}`);
    return page;
  });

  for (const image of images) for (const line of describeImage(image)) console.log(line);
  for (const [host, reason] of hostErrors) console.error(`${host}: ${reason}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    console.error(error instanceof HangarError ? `${error.code}: ${error.message}` : error);
    process.exitCode = 1;
  });
}
