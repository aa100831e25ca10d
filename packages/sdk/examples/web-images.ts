// Pulls an image onto every host labelled role=web with live progress, then lists the images there, newest
// first, with the hosts that could not answer.
//
//   HANGAR_URL=http://127.0.0.1:4000 HANGAR_TOKEN=… npx tsx packages/sdk/examples/web-images.ts [REF] [role]
import { allNodes, createHangarClient, HangarError, JobFailedError, type HangarClient, type HostFieldsFragment, type ImageSummaryFragment, type Job } from '@hangar/sdk';

/** Hosts whose configuration labels include `key=value`. */
export function hostsLabelled(hosts: readonly HostFieldsFragment[], key: string, value: string): HostFieldsFragment[] {
  return hosts.filter((host) => host.labels.some((label) => label.key === key && label.value === value));
}

/** One line per image and tag: `host  repo:tag  shortId  size`. */
export function describeImage(image: ImageSummaryFragment): string[] {
  const names = image.repoTags.length > 0 ? image.repoTags : ['<none>:<none>'];
  return names.map((name) => `${image.hostName.padEnd(10)} ${name.padEnd(40)} ${image.shortId}  ${(image.size / 1e6).toFixed(2)} MB`);
}

/** One progress line of a job: `web-1  PULL  ACTIVE  downloading 42%  3/5 layers done`. */
export function describeProgress(job: Job): string {
  const progress = job.progress;
  const percent = progress?.percent == null ? '' : ` ${Math.round(progress.percent)}%`;
  const layers = progress?.layers ?? [];
  const complete = layers.filter((layer) => /complete|exists|Pushed/i.test(layer.status)).length;
  return `${job.host.padEnd(10)} ${job.kind} ${job.state.padEnd(9)} ${progress?.phase ?? ''}${percent}  ${complete}/${layers.length} layers done`;
}

/** Pulls `ref` onto the hosts labelled role=`role`, printing each update; true when every pull COMPLETED. */
export async function pullToRole(hangar: HangarClient, ref: string, role: string): Promise<boolean> {
  const batch = await hangar.run.pull({ ref, hostSelector: { labels: [`role=${role}`] } });
  for (const error of batch.userErrors) console.error(`${error.host ?? ref}: ${error.code}: ${error.message}`);
  for await (const job of batch.progress()) console.log(describeProgress(job));
  try {
    const jobs = await batch.done();
    for (const job of jobs) console.log(`${job.host}: pulled ${ref} (${job.result?.imageId ?? '?'})`);
    return batch.userErrors.length === 0;
  } catch (error) {
    if (!(error instanceof JobFailedError)) throw error;
    for (const job of error.jobs) if (job.state !== 'COMPLETED') console.error(`${job.host}: ${job.state} ${job.error?.code ?? ''}: ${job.error?.message ?? ''}`);
    return false;
  }
}

async function main(): Promise<void> {
  const url = process.env.HANGAR_URL;
  const token = process.env.HANGAR_TOKEN;
  if (!url || !token) throw new Error('set HANGAR_URL and HANGAR_TOKEN');
  const ref = process.argv[2];
  const role = process.argv[3] ?? 'web';
  const hangar = createHangarClient({ url, token });
  try {
    await run(hangar, ref, role);
  } finally {
    await hangar.close();
  }
}

async function run(hangar: HangarClient, ref: string | undefined, role: string): Promise<void> {
  if (ref && !(await pullToRole(hangar, ref, role))) process.exitCode = 1;

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
