import { HangarError } from '../errors/hangar-error.js';
import { isFullImageId, isImageIdPrefix, parseReference, ReferenceSyntaxError, trimReference } from '../reference/reference.js';
import type { EngineReader } from './engine-reader.js';
import {
  toDiskUsage,
  toHistoryEntry,
  toImageDetails,
  toImageSummary,
  type RawDiskUsage,
  type RawHistoryEntry,
  type RawImageInspect,
  type RawImageSummary,
} from './engine-images.js';
import { prepareImageFilter, type ImageFilter } from './image-filter.js';
import type { DiskUsage, HistoryEntry, HostLayer, ImageDetails, ImageLayer, ImageSummary } from './image.types.js';
import { chainIds, layerSteps } from './layers.js';

/** Newest first, as the engine and `docker image ls` order them; ties broken by ID so pages are stable. */
export function compareImages(a: ImageSummary, b: ImageSummary): number {
  return b.created.getTime() - a.created.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** `docker image ls [-a] [--filter ...]` on one host. */
export async function listImages(reader: EngineReader, host: string, options: { filter?: ImageFilter | null; all?: boolean | null } = {}): Promise<ImageSummary[]> {
  const prepared = prepareImageFilter(options.filter, await reader.apiVersion(host));
  const raw = await reader.get<RawImageSummary[]>(host, '/images/json', {
    all: options.all ? '1' : undefined,
    digests: '1',
    filters: Object.keys(prepared.engineFilters).length ? JSON.stringify(prepared.engineFilters) : undefined,
  });
  let images = raw.map((image) => toImageSummary(host, image));
  if (prepared.createdBefore) {
    const cutoff = prepared.createdBefore.getTime();
    images = images.filter((image) => image.created.getTime() < cutoff);
  }
  return images.sort(compareImages);
}

async function inspectOrUndefined(reader: EngineReader, host: string, name: string): Promise<ImageDetails | undefined> {
  try {
    return toImageDetails(host, await reader.get<RawImageInspect>(host, `/images/${encodeURIComponent(name)}/json`));
  } catch (error) {
    if (error instanceof HangarError && error.code === 'NOT_FOUND') return undefined;
    throw error;
  }
}

/**
 * `docker image inspect REF` where REF is name[:tag], name@digest, a full ID or an ID prefix. Like docker, a
 * reference wins over an ID prefix; unlike the engine, an ambiguous prefix is an error naming the candidates
 * rather than "no such image". Undefined when nothing matches.
 */
export async function findImage(reader: EngineReader, host: string, ref: string): Promise<ImageDetails | undefined> {
  const trimmed = trimReference(ref);
  if (trimmed === '') throw new HangarError('BAD_REQUEST', 'ref: an image reference or ID is required');
  if (isFullImageId(trimmed)) {
    return inspectOrUndefined(reader, host, trimmed.startsWith('sha256:') ? trimmed : `sha256:${trimmed}`);
  }
  const idPrefix = isImageIdPrefix(trimmed);
  let parsedOk = true;
  try {
    parseReference(trimmed);
  } catch (error) {
    if (!(error instanceof ReferenceSyntaxError)) throw error;
    parsedOk = false;
    if (!idPrefix) throw new HangarError('BAD_REQUEST', error.message);
  }
  if (parsedOk && !trimmed.startsWith('sha256:')) {
    const byName = await inspectOrUndefined(reader, host, trimmed);
    if (byName) return byName;
  }
  if (!idPrefix) return undefined;
  const prefix = trimmed.startsWith('sha256:') ? trimmed : `sha256:${trimmed}`;
  const all = await reader.get<RawImageSummary[]>(host, '/images/json', { all: '1' });
  const candidates = all.filter((image) => image.Id.startsWith(prefix));
  if (candidates.length === 0) return undefined;
  if (candidates.length > 1) {
    const names = candidates.map((image) => {
      const tags = (image.RepoTags ?? []).filter((t) => t !== '<none>:<none>');
      return `${image.Id.slice(7, 19)}${tags.length ? ` (${tags.join(', ')})` : ''}`;
    });
    throw new HangarError('AMBIGUOUS_REFERENCE', `"${trimmed}" matches ${candidates.length} images on ${host}: ${names.join('; ')}`, { host });
  }
  return inspectOrUndefined(reader, host, candidates[0]!.Id);
}

/** `docker history IMAGE`, newest step first. */
export async function imageHistory(reader: EngineReader, host: string, imageId: string): Promise<HistoryEntry[]> {
  const raw = await reader.get<RawHistoryEntry[]>(host, `/images/${encodeURIComponent(imageId)}/history`);
  return raw.map(toHistoryEntry);
}

async function inspectById(reader: EngineReader, host: string, imageId: string): Promise<ImageDetails> {
  const details = await inspectOrUndefined(reader, host, imageId);
  if (!details) throw new HangarError('NOT_FOUND', `no such image on ${host}: ${imageId}`, { host });
  return details;
}

/** Engine reads one request makes at once on a host: enough to overlap latency, few enough not to swamp the engine. */
const HOST_READ_PARALLELISM = 8;

/** `work` over every item, at most `limit` at a time. */
async function forEachBounded<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** Every image on a host (intermediate ones included) with its layer chain, inspected with bounded parallelism. */
async function layerIndex(reader: EngineReader, host: string): Promise<{ id: string; chain: string[] }[]> {
  const all = await reader.get<RawImageSummary[]>(host, '/images/json', { all: '1' });
  const out: { id: string; chain: string[] }[] = [];
  await forEachBounded(all, HOST_READ_PARALLELISM, async (image) => {
    const details = await inspectOrUndefined(reader, host, image.Id);
    if (details) out.push({ id: details.id, chain: chainIds(details.rootFS.layers) });
  });
  return out;
}

/** The image's layers, base first, each with the step that made it and the other images sharing it. */
export async function imageLayers(reader: EngineReader, host: string, imageId: string): Promise<ImageLayer[]> {
  const [details, history, index] = await Promise.all([
    inspectById(reader, host, imageId),
    imageHistory(reader, host, imageId),
    layerIndex(reader, host),
  ]);
  const diffIds = details.rootFS.layers;
  const chains = chainIds(diffIds);
  const steps = layerSteps([...history].reverse(), diffIds.length);
  return diffIds.map((diffId, index_) => {
    const chainId = chains[index_]!;
    const step = steps[index_];
    return {
      index: index_,
      diffId,
      chainId,
      size: step?.size ?? 0,
      createdBy: step?.createdBy,
      created: step?.created,
      sharedWith: index.filter((other) => other.id !== details.id && other.chain[index_] === chainId).map((other) => other.id).sort(),
    };
  });
}

/** Every layer on a host with the images that use it and what sharing saves. */
export async function hostLayers(reader: EngineReader, host: string): Promise<HostLayer[]> {
  const index = await layerIndex(reader, host);
  const layers = new Map<string, HostLayer>();
  await forEachBounded(index, HOST_READ_PARALLELISM, async ({ id, chain }) => {
    const history = await imageHistory(reader, host, id);
    const details = await inspectById(reader, host, id);
    const steps = layerSteps([...history].reverse(), chain.length);
    chain.forEach((chainId, position) => {
      let layer = layers.get(chainId);
      if (!layer) {
        layer = { chainId, diffId: details.rootFS.layers[position]!, size: steps[position]?.size ?? 0, createdBy: steps[position]?.createdBy, images: [], savedBytes: 0 };
        layers.set(chainId, layer);
      }
      layer.images.push(id);
    });
  });
  return [...layers.values()]
    .map((layer) => ({ ...layer, images: layer.images.sort(), savedBytes: layer.size * (layer.images.length - 1) }))
    .sort((a, b) => b.savedBytes - a.savedBytes || b.images.length - a.images.length || (a.chainId < b.chainId ? -1 : 1));
}

/** `docker system df` (and `-v`) for one host. */
export async function diskUsage(reader: EngineReader, host: string): Promise<DiskUsage> {
  return toDiskUsage(host, await reader.get<RawDiskUsage>(host, '/system/df'));
}

/** Per-image container count and shared size, from the same call `docker system df -v` makes. */
export async function imageUsage(reader: EngineReader, host: string, imageId: string): Promise<{ containers: number; sharedSize: number } | undefined> {
  const usage = await diskUsage(reader, host);
  const entry = usage.imageDetails.find((image) => image.id === imageId);
  return entry ? { containers: entry.containers, sharedSize: entry.sharedSize } : undefined;
}
