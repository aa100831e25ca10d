import { HangarError, type HangarErrorCode } from '../errors/hangar-error.js';
import { isFullImageId, isImageIdPrefix, parseReference, ReferenceSyntaxError, trimReference } from '../reference/reference.js';
import { DeleteConflict, DeletePlanner, planPrune, type DeleteRecord, type PruneOptions } from './delete-planner.js';
import type { EngineReader } from './engine-reader.js';
import { toHistoryEntry, type RawHistoryEntry, type RawImageInspect, type RawImageSummary } from './engine-images.js';
import type { ImageFilter } from './image-filter.js';
import { listImages } from './image-service.js';
import { chainIds, layerSteps } from './layers.js';
import { cloneSnapshot, referencesOf, normalizedRef, type StoreImage, type StoreSnapshot } from './store-snapshot.js';
import type { DockerHostClient } from '../docker/docker-host-client.js';

/** An item that could not be done, on one host. */
export interface RemovalProblem {
  host: string;
  code: HangarErrorCode;
  message: string;
  /** Index of the ref in the request, when the problem is about one. */
  refIndex: number | undefined;
}

/** What a remove or prune did (or, in a dry run, would do) on one host. */
export interface RemovalOutcome {
  host: string;
  dryRun: boolean;
  untagged: string[];
  deleted: string[];
  reclaimedBytes: number;
  problems: RemovalProblem[];
}

interface RawContainer {
  Id: string;
  ImageID: string;
  State?: string;
}

/** Reads the stores the engine consults to delete images: images (all), their layers and sizes, containers. */
export async function snapshotHost(reader: EngineReader, host: string): Promise<StoreSnapshot> {
  const [list, containers] = await Promise.all([
    reader.get<RawImageSummary[]>(host, '/images/json', { all: '1', digests: '1' }),
    reader.get<RawContainer[]>(host, '/containers/json', { all: '1' }),
  ]);
  const images = new Map<string, StoreImage>();
  const layerSizes = new Map<string, number>();
  const queue = [...list];
  const worker = async () => {
    for (let item = queue.shift(); item; item = queue.shift()) {
      const [inspect, history] = await Promise.all([
        reader.get<RawImageInspect>(host, `/images/${item.Id}/json`),
        reader.get<RawHistoryEntry[]>(host, `/images/${item.Id}/history`),
      ]);
      const diffIds = inspect.RootFS?.Layers ?? [];
      const chain = chainIds(diffIds);
      const steps = layerSteps(history.map(toHistoryEntry).reverse(), diffIds.length);
      chain.forEach((chainId, i) => {
        if (steps[i] && !layerSizes.has(chainId)) layerSizes.set(chainId, steps[i]!.size);
      });
      images.set(item.Id, {
        id: item.Id,
        parentId: item.ParentId || undefined,
        tags: (item.RepoTags ?? []).filter((t) => t !== '<none>:<none>'),
        digests: (item.RepoDigests ?? []).filter((d) => d !== '<none>@<none>'),
        chain,
        created: new Date(inspect.Created),
        labels: inspect.Config?.Labels ?? {},
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, queue.length) }, worker));
  return {
    images,
    containers: containers.map((c) => ({ id: c.Id, imageId: c.ImageID, running: c.State === 'running' || c.State === 'paused' || c.State === 'restarting' })),
    layerSizes,
  };
}

/**
 * Turns what the user typed into what the engine will be asked to delete, exactly as docker resolves it: a
 * reference that names an image wins; otherwise an ID or ID prefix, which must be unique on this host.
 */
export function resolveForDelete(snapshot: StoreSnapshot, ref: string): string {
  const trimmed = trimReference(ref);
  if (trimmed === '') throw new HangarError('BAD_REQUEST', 'an image reference or ID is required');
  if (isFullImageId(trimmed)) {
    const id = trimmed.startsWith('sha256:') ? trimmed : `sha256:${trimmed}`;
    if (!snapshot.images.has(id)) throw new HangarError('NOT_FOUND', `No such image: ${trimmed}`);
    return id;
  }
  let parsed = true;
  try {
    parseReference(trimmed);
  } catch (error) {
    if (!(error instanceof ReferenceSyntaxError)) throw error;
    if (!isImageIdPrefix(trimmed)) throw new HangarError('BAD_REQUEST', error.message);
    parsed = false;
  }
  if (parsed && !trimmed.startsWith('sha256:')) {
    const ref = parseReference(trimmed);
    const wanted = normalizedRef(ref.tag || ref.digest ? trimmed : `${trimmed}:latest`);
    for (const image of snapshot.images.values()) if (referencesOf(image).some((r) => normalizedRef(r) === wanted)) return trimmed;
  }
  if (isImageIdPrefix(trimmed)) {
    const prefix = trimmed.startsWith('sha256:') ? trimmed : `sha256:${trimmed}`;
    const matches = [...snapshot.images.keys()].filter((id) => id.startsWith(prefix));
    if (matches.length === 1) return matches[0]!;
    if (matches.length > 1) {
      const names = matches.map((id) => {
        const tags = snapshot.images.get(id)!.tags;
        return `${id.slice(7, 19)}${tags.length ? ` (${tags.join(', ')})` : ''}`;
      });
      throw new HangarError('AMBIGUOUS_REFERENCE', `"${trimmed}" matches ${matches.length} images: ${names.join('; ')}; nothing was deleted`);
    }
  }
  throw new HangarError('NOT_FOUND', `No such image: ${trimmed}`);
}

function split(records: readonly DeleteRecord[]): { untagged: string[]; deleted: string[] } {
  return {
    untagged: records.flatMap((r) => ('untagged' in r ? [r.untagged] : [])),
    deleted: records.flatMap((r) => ('deleted' in r ? [r.deleted] : [])),
  };
}

export interface RemovalPlan {
  host: string;
  snapshot: StoreSnapshot;
  /** What the engine will be asked to delete, in order. */
  targets: { ref: string; refIndex: number | undefined }[];
  /** The outcome the engine will give, predicted. */
  predicted: RemovalOutcome;
}

/**
 * Plans `docker rmi` on one host: resolves every ref (or the filter) against a snapshot, then runs the engine's
 * delete algorithm on a copy. Problems that make the whole request unsafe (a malformed or ambiguous ref) are
 * thrown; per-item refusals (not found, conflict) are in `predicted.problems`, as docker reports them.
 */
export async function planRemoval(
  reader: EngineReader,
  host: string,
  request: { refs?: string[] | null; filter?: ImageFilter | null; force: boolean; noPrune: boolean },
): Promise<RemovalPlan> {
  const snapshot = await snapshotHost(reader, host);
  const problems: RemovalProblem[] = [];
  const targets: RemovalPlan['targets'] = [];
  if (request.refs) {
    request.refs.forEach((ref, refIndex) => {
      try {
        targets.push({ ref: resolveForDelete(snapshot, ref), refIndex });
      } catch (error) {
        const failure = HangarError.from(error);
        if (failure.code === 'NOT_FOUND') problems.push({ host, code: 'NOT_FOUND', message: failure.message, refIndex });
        else throw new HangarError(failure.code, `refs[${refIndex}] on ${host}: ${failure.message}`, { host });
      }
    });
  } else {
    const matching = await listImages(reader, host, { filter: request.filter ?? {} });
    for (const id of new Set(matching.map((image) => image.id))) targets.push({ ref: id, refIndex: undefined });
  }
  const planner = new DeletePlanner(cloneSnapshot(snapshot));
  const records: DeleteRecord[] = [];
  for (const target of targets) {
    try {
      records.push(...planner.delete(target.ref, { force: request.force, prune: !request.noPrune }));
    } catch (error) {
      const failure = HangarError.from(error);
      problems.push({ host, code: failure.code, message: failure instanceof DeleteConflict ? failure.message : failure.message, refIndex: target.refIndex });
    }
  }
  return {
    host,
    snapshot,
    targets,
    predicted: { host, dryRun: true, ...split(records), reclaimedBytes: planner.reclaimedBytes(records), problems },
  };
}

interface RawDeleteItem {
  Untagged?: string;
  Deleted?: string;
}

/** Carries out a plan: the engine deletes each target as docker rmi would, and says what it did. */
export async function executeRemoval(client: DockerHostClient, plan: RemovalPlan, request: { force: boolean; noPrune: boolean }, signal?: AbortSignal): Promise<RemovalOutcome> {
  const records: DeleteRecord[] = [];
  const problems: RemovalProblem[] = plan.predicted.problems.filter((p) => p.code === 'NOT_FOUND');
  for (const target of plan.targets) {
    try {
      const items = await client.request<RawDeleteItem[]>({
        method: 'DELETE',
        path: `/images/${encodeURIComponent(target.ref)}`,
        query: { force: request.force ? '1' : undefined, noprune: request.noPrune ? '1' : undefined },
        signal,
      });
      for (const item of items) {
        if (item.Untagged) records.push({ untagged: item.Untagged });
        if (item.Deleted) records.push({ deleted: item.Deleted });
      }
    } catch (error) {
      const failure = HangarError.from(error);
      problems.push({ host: plan.host, code: failure.code, message: failure.message, refIndex: target.refIndex });
    }
  }
  const sizes = new DeletePlanner(plan.snapshot);
  return { host: plan.host, dryRun: false, ...split(records), reclaimedBytes: sizes.reclaimedBytes(records), problems };
}

/** `docker image prune` on one host: planned on a snapshot for a dry run, or done by the engine. */
export async function pruneImages(
  reader: EngineReader,
  client: DockerHostClient,
  host: string,
  options: PruneOptions & { dryRun: boolean },
  signal?: AbortSignal,
): Promise<RemovalOutcome> {
  if (options.dryRun) {
    const planner = new DeletePlanner(cloneSnapshot(await snapshotHost(reader, host)));
    const records = planPrune(planner, options);
    return { host, dryRun: true, ...split(records), reclaimedBytes: planner.reclaimedBytes(records), problems: [] };
  }
  const filters: Record<string, string[]> = { dangling: [String(!options.all)] };
  if (options.until) filters.until = [String(options.until.getTime() / 1000)];
  if (options.labels?.length) filters.label = options.labels;
  if (options.notLabels?.length) filters['label!'] = options.notLabels;
  const result = await client.request<{ ImagesDeleted?: RawDeleteItem[] | null; SpaceReclaimed?: number }>({
    method: 'POST',
    path: '/images/prune',
    query: { filters: JSON.stringify(filters) },
    signal,
    timeoutMs: 600_000,
  });
  const records: DeleteRecord[] = (result.ImagesDeleted ?? []).flatMap((item) => [
    ...(item.Untagged ? [{ untagged: item.Untagged }] : []),
    ...(item.Deleted ? [{ deleted: item.Deleted }] : []),
  ]);
  return { host, dryRun: false, ...split(records), reclaimedBytes: result.SpaceReclaimed ?? 0, problems: [] };
}
