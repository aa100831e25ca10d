import { familiarString, parseReference } from '../reference/reference.js';

/** An image as the engine's image and reference stores hold it. */
export interface StoreImage {
  id: string;
  parentId: string | undefined;
  /** Familiar `name:tag` references, as the engine lists them. */
  tags: string[];
  /** Familiar `name@digest` references. */
  digests: string[];
  /** Chain IDs of its layers, base first. */
  chain: string[];
  created: Date;
  labels: Record<string, string>;
}

export interface StoreContainer {
  id: string;
  imageId: string;
  running: boolean;
}

/** Everything the engine consults to delete or prune images: enough to predict exactly what it will do. */
export interface StoreSnapshot {
  images: Map<string, StoreImage>;
  containers: StoreContainer[];
  /** Bytes of each layer (its diff size), by chain ID. */
  layerSizes: Map<string, number>;
}

export function cloneSnapshot(snapshot: StoreSnapshot): StoreSnapshot {
  return {
    images: new Map([...snapshot.images].map(([id, image]) => [id, { ...image, tags: [...image.tags], digests: [...image.digests] }])),
    containers: [...snapshot.containers],
    layerSizes: snapshot.layerSizes,
  };
}

/** The engine's normalised form of a reference, used to compare what users type with what stores hold. */
export function normalizedRef(ref: string): string {
  const parsed = parseReference(ref);
  return `${parsed.domain}/${parsed.path}${parsed.tag ? `:${parsed.tag}` : ''}${parsed.digest ? `@${parsed.digest}` : ''}`;
}

export function repositoryOf(ref: string): string {
  const parsed = parseReference(ref);
  return `${parsed.domain}/${parsed.path}`;
}

export function familiar(ref: string): string {
  return familiarString(parseReference(ref));
}

/** All references of an image in the engine's order (sorted by familiar string). */
export function referencesOf(image: StoreImage): string[] {
  return [...image.tags, ...image.digests].sort();
}

export function childrenOf(snapshot: StoreSnapshot, id: string): StoreImage[] {
  return [...snapshot.images.values()].filter((image) => image.parentId === id);
}
