import { PassThrough } from 'node:stream';
import { exportImages, loadImages } from '../archives/archive-service.js';
import type { DockerHostClient } from '../docker/docker-host-client.js';
import { HangarError } from '../errors/hangar-error.js';
import { findImage } from '../images/image-service.js';
import { EngineReader } from '../images/engine-reader.js';
import type { HostRegistry } from '../hosts/host-registry.js';
import type { OperationHooks } from './pull.js';
import { familiarString, isFullImageId, parseReference, trimReference, withDefaultTag } from '../reference/reference.js';

export interface CopyResult {
  imageId: string;
  repoTags: string[];
  bytes: number;
}

/**
 * Copies an image from one engine to another with no registry and no temporary file: the source's save stream
 * is piped into the target's load, with byte progress. The image keeps its ID (same config, same layers).
 */
export async function copyImage(
  hosts: HostRegistry,
  request: { sourceHost: string; ref: string; targetHost: string },
  hooks: OperationHooks,
): Promise<CopyResult> {
  if (request.sourceHost === request.targetHost) throw new HangarError('BAD_REQUEST', 'source and target are the same host');
  const source: DockerHostClient = hosts.client(request.sourceHost);
  const target: DockerHostClient = hosts.client(request.targetHost);
  const image = await findImage(new EngineReader(hosts, hooks.signal), request.sourceHost, request.ref);
  if (!image) throw new HangarError('NOT_FOUND', `No such image on ${request.sourceHost}: ${request.ref}`, { host: request.sourceHost });
  // A target that cannot take the archive must not cost the source an export it will never finish sending.
  await target.request({ path: '/_ping', signal: hooks.signal });
  const bytesTotal = image.size;
  const exported = await exportImages(source, [exportName(request.ref, image)], { signal: hooks.signal, stallTimeoutMs: hooks.stallTimeoutMs });
  let bytesDone = 0;
  let last = 0;
  const counter = new PassThrough();
  counter.on('data', (chunk: Buffer) => {
    bytesDone += chunk.length;
    const now = Date.now();
    if (now - last >= 250) {
      last = now;
      hooks.onProgress?.({
        phase: 'copying',
        percent: bytesTotal ? Math.min(99.9, Math.round((1000 * bytesDone) / bytesTotal) / 10) : undefined,
        bytesDone,
        bytesTotal,
        message: `${request.sourceHost} -> ${request.targetHost}`,
        layers: [],
      });
    }
  });
  exported.on('error', (error) => counter.destroy(error));
  exported.pipe(counter);
  hooks.onLog?.(`copying ${request.ref} (${image.id}) from ${request.sourceHost} to ${request.targetHost}`);
  let loaded: Awaited<ReturnType<typeof loadImages>>;
  try {
    loaded = await loadImages(target, counter, { signal: hooks.signal, stallTimeoutMs: hooks.stallTimeoutMs });
  } finally {
    // Whatever happened to the load, the source's export ends now: destroying it closes the engine connection, so
    // a failed copy never leaves the source engine writing an archive nobody reads.
    counter.destroy();
    exported.destroy();
  }
  const inspected = await findImage(new EngineReader(hosts, hooks.signal), request.targetHost, image.id);
  if (!inspected) throw new HangarError('ENGINE_ERROR', `${request.targetHost} loaded the archive but has no image ${image.id}`, { host: request.targetHost });
  hooks.onLog?.(`loaded ${loaded.loaded.map((l) => l.ref ?? l.imageId).join(', ')} on ${request.targetHost} (${loaded.bytes} bytes)`);
  hooks.onProgress?.({ phase: 'complete', percent: 100, bytesDone, bytesTotal: bytesDone, message: `${request.sourceHost} -> ${request.targetHost}`, layers: [] });
  return { imageId: inspected.id, repoTags: inspected.repoTags, bytes: loaded.bytes };
}

/**
 * What to save so that the target gets exactly what the request named: `name[:tag]` that is one of the image's
 * tags saves that one tag (docker saves only the named tag when given a name), so no other tag of the image moves
 * on the target; an ID, an ID prefix or a digest saves the image by its ID, untagged (a digest names content, not
 * a tag to move). Resolution follows the engine's: a name that is a tag of the image wins over an ID prefix.
 */
export function exportName(ref: string, image: { id: string; repoTags: readonly string[] }): string {
  const trimmed = trimReference(ref);
  if (isFullImageId(trimmed)) return image.id;
  try {
    const parsed = parseReference(trimmed);
    if (!parsed.digest) {
      const name = familiarString(withDefaultTag(parsed));
      if (image.repoTags.includes(name)) return name;
    }
  } catch {
    // not a name: an ID prefix, resolved by findImage
  }
  return image.id;
}
