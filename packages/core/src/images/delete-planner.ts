import { HangarError } from '../errors/hangar-error.js';
import { parseReference } from '../reference/reference.js';
import { childrenOf, normalizedRef, referencesOf, repositoryOf, type StoreImage, type StoreSnapshot } from './store-snapshot.js';

/** What one delete did, in the engine's words and order: `Untagged` references, then `Deleted` image and layer IDs. */
export type DeleteRecord = { untagged: string } | { deleted: string };

/** A refusal the engine would answer with 409, worded as the engine words it. */
export class DeleteConflict extends HangarError {
  constructor(
    message: string,
    readonly imageId: string,
    readonly used: boolean,
  ) {
    super('CONFLICT', message);
  }
}

const truncate = (id: string) => id.replace(/^sha256:/, '').slice(0, 12);

interface Conflict {
  hard: boolean;
  used: boolean;
  message: string;
}

type ConflictMask = { child: boolean; running: boolean; reference: boolean; stopped: boolean };
const HARD: ConflictMask = { child: true, running: true, reference: false, stopped: false };
const ALL: ConflictMask = { child: true, running: true, reference: true, stopped: true };

function findConflict(snapshot: StoreSnapshot, image: StoreImage, mask: ConflictMask): Conflict | undefined {
  if (mask.child && childrenOf(snapshot, image.id).length > 0) return { hard: true, used: false, message: 'image has dependent child images' };
  const running = snapshot.containers.find((c) => c.running && c.imageId === image.id);
  if (mask.running && running) return { hard: true, used: true, message: `image is being used by running container ${truncate(running.id)}` };
  if (mask.reference && referencesOf(image).length > 0) return { hard: false, used: false, message: 'image is referenced in multiple repositories' };
  const stopped = snapshot.containers.find((c) => !c.running && c.imageId === image.id);
  if (mask.stopped && stopped) return { hard: false, used: true, message: `image is being used by stopped container ${truncate(stopped.id)}` };
  return undefined;
}

function conflictError(image: StoreImage, conflict: Conflict): DeleteConflict {
  return new DeleteConflict(
    `conflict: unable to delete ${truncate(image.id)} (${conflict.hard ? 'cannot be forced' : 'must be forced'}) - ${conflict.message}`,
    image.id,
    conflict.used,
  );
}

function removeReference(image: StoreImage, ref: string): void {
  const target = normalizedRef(ref);
  image.tags = image.tags.filter((t) => normalizedRef(t) !== target);
  image.digests = image.digests.filter((d) => normalizedRef(d) !== target);
}

/** Layers still held by an image or a container after `excluding` is gone. */
function heldLayers(snapshot: StoreSnapshot): Set<string> {
  const held = new Set<string>();
  for (const image of snapshot.images.values()) for (const chainId of image.chain) held.add(chainId);
  return held;
}

/**
 * Containers pin their image's layers even when the image record is deleted with force; remember them so the
 * layers are not reported as freed.
 */
function containerLayers(snapshot: StoreSnapshot, original: Map<string, StoreImage>): Set<string> {
  const held = new Set<string>();
  for (const container of snapshot.containers) for (const chainId of original.get(container.imageId)?.chain ?? []) held.add(chainId);
  return held;
}

/** A single-repository set of references: at most one tag, and digests only of that repository. */
function isSingleReference(refs: string[]): boolean {
  if (refs.length <= 1) return refs.length === 1;
  let single: string | undefined;
  const canonical = new Set<string>();
  for (const ref of refs) {
    if (parseReference(ref).digest) canonical.add(repositoryOf(ref));
    else if (single === undefined) single = ref;
    else return false;
  }
  single ??= refs[0]!;
  return canonical.size === 1 && canonical.has(repositoryOf(single));
}

/** The normalised reference the engine looks up for `ref` (reference.TagNameOnly). */
function wantedRef(ref: string): string {
  const parsed = parseReference(ref);
  return normalizedRef(parsed.tag || parsed.digest ? ref : `${ref}:latest`);
}

/**
 * A model of the engine's image delete (moby daemon/images/image_delete.go), run on a snapshot of the image,
 * reference and container stores. It changes the snapshot as the engine would change its stores and returns the
 * records the engine would return, so a dry run can say exactly what a real one will do.
 */
export class DeletePlanner {
  private readonly original: Map<string, StoreImage>;

  constructor(readonly snapshot: StoreSnapshot) {
    this.original = new Map(snapshot.images);
  }

  /** `DELETE /images/{ref}?force&noprune`. `ref` is a reference or a full image ID. */
  delete(ref: string, { force, prune }: { force: boolean; prune: boolean }): DeleteRecord[] {
    const records: DeleteRecord[] = [];
    const image = this.resolve(ref);
    let removedRepositoryRef = false;
    if (!ref.startsWith('sha256:')) {
      const refs = referencesOf(image);
      const container = this.snapshot.containers.find((c) => c.imageId === image.id);
      if (container && isSingleReference(refs) && !force) {
        throw new DeleteConflict(
          `conflict: unable to remove repository reference "${ref}" (must force) - container ${truncate(container.id)} is using its referenced image ${truncate(image.id)}`,
          image.id,
          true,
        );
      }
      // TagNameOnly: a name without tag or digest means :latest (a registry port's colon is not a tag).
      const wanted = wantedRef(ref);
      const target = refs.find((r) => normalizedRef(r) === wanted)!;
      removeReference(image, target);
      records.push({ untagged: target });
      if (!parseReference(target).digest) {
        const sameRepoTag = image.tags.some((t) => repositoryOf(t) === repositoryOf(target));
        if (!sameRepoTag) {
          for (const digest of [...image.digests].sort()) {
            if (repositoryOf(digest) === repositoryOf(target)) {
              removeReference(image, digest);
              records.push({ untagged: digest });
            }
          }
        }
      }
      if (referencesOf(image).length > 0) return records;
      removedRepositoryRef = true;
    } else {
      const refs = referencesOf(image);
      if (isSingleReference(refs)) {
        const conflict = findConflict(this.snapshot, image, force ? HARD : { ...ALL, reference: false });
        if (conflict) throw conflictError(image, conflict);
        for (const r of refs) {
          removeReference(image, r);
          records.push({ untagged: r });
        }
      }
    }
    this.deleteHelper(image.id, records, force, prune, removedRepositoryRef);
    return records;
  }

  private resolve(ref: string): StoreImage {
    if (ref.startsWith('sha256:')) {
      const image = this.snapshot.images.get(ref);
      if (!image) throw new HangarError('NOT_FOUND', `No such image: ${ref}`);
      return image;
    }
    const wanted = wantedRef(ref);
    for (const image of this.snapshot.images.values()) {
      if (referencesOf(image).some((r) => normalizedRef(r) === wanted)) return image;
    }
    throw new HangarError('NOT_FOUND', `No such image: ${ref}`);
  }

  private deleteHelper(id: string, records: DeleteRecord[], force: boolean, prune: boolean, quiet: boolean): void {
    const image = this.snapshot.images.get(id);
    if (!image) return;
    const conflict = findConflict(this.snapshot, image, force ? HARD : ALL);
    if (conflict) {
      const dangling = referencesOf(image).length === 0 && childrenOf(this.snapshot, id).length === 0;
      if (quiet && (!dangling || conflict.used)) return;
      throw conflictError(image, conflict);
    }
    for (const r of referencesOf(image)) {
      removeReference(image, r);
      records.push({ untagged: r });
    }
    this.snapshot.images.delete(id);
    records.push({ deleted: id });
    const held = heldLayers(this.snapshot);
    const pinned = containerLayers(this.snapshot, this.original);
    for (const chainId of [...image.chain].reverse()) {
      if (held.has(chainId) || pinned.has(chainId)) break;
      records.push({ deleted: chainId });
    }
    if (!prune || !image.parentId) return;
    this.deleteHelper(image.parentId, records, false, true, true);
  }

  /** Bytes the `Deleted` layer records free. */
  reclaimedBytes(records: readonly DeleteRecord[]): number {
    return records.reduce((sum, record) => sum + ('deleted' in record ? (this.snapshot.layerSizes.get(record.deleted) ?? 0) : 0), 0);
  }
}

export interface PruneOptions {
  /** false: dangling images only (docker's default); true: every image no container uses. */
  all: boolean;
  /** Only images created before this time. */
  until?: Date | undefined;
  /** `key` or `key=value`: the image must have all of them. */
  labels?: string[];
  /** `key` or `key=value`: images having all of them are kept. */
  notLabels?: string[];
}

function matchKV(filters: string[], labels: Record<string, string>): boolean {
  return filters.every((filter) => {
    const eq = filter.indexOf('=');
    if (eq < 0) return filter in labels;
    return labels[filter.slice(0, eq)] === filter.slice(eq + 1);
  });
}

/**
 * A model of `POST /images/prune` (moby ImagesPrune): which images it deletes, in the records the engine returns.
 * The engine walks candidates in Go map order (random); the set of records does not depend on it for the cases
 * the engine itself treats consistently.
 */
export function planPrune(planner: DeletePlanner, options: PruneOptions): DeleteRecord[] {
  const { snapshot } = planner;
  const candidates = [...snapshot.images.values()].filter((image) => (options.all ? true : childrenOf(snapshot, image.id).length === 0));
  const top = candidates.filter((image) => {
    if (referencesOf(image).length === 0 && childrenOf(snapshot, image.id).length > 0) return false;
    if (options.until && image.created.getTime() > options.until.getTime()) return false;
    if (options.labels?.length && !matchKV(options.labels, image.labels)) return false;
    if (options.notLabels?.length && matchKV(options.notLabels, image.labels)) return false;
    return true;
  });
  const records: DeleteRecord[] = [];
  for (const candidate of top.sort((a, b) => b.created.getTime() - a.created.getTime() || (a.id < b.id ? -1 : 1))) {
    const image = snapshot.images.get(candidate.id);
    if (!image) continue;
    const refs = referencesOf(image);
    const attempt = (ref: string) => {
      try {
        records.push(...planner.delete(ref, { force: false, prune: true }));
      } catch (error) {
        if (!(error instanceof HangarError)) throw error;
      }
    };
    if (refs.length > 0) {
      const shouldDelete = options.all || !refs.some((r) => parseReference(r).tag !== undefined);
      if (shouldDelete) for (const ref of refs) attempt(ref);
    } else {
      attempt(image.id);
    }
  }
  return records;
}
