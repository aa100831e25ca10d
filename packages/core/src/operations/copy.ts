import { PassThrough } from 'node:stream';
import { exportImages, loadImages } from '../archives/archive-service.js';
import type { DockerHostClient } from '../docker/docker-host-client.js';
import { HangarError } from '../errors/hangar-error.js';
import { findImage } from '../images/image-service.js';
import { EngineReader } from '../images/engine-reader.js';
import type { HostRegistry } from '../hosts/host-registry.js';
import type { OperationHooks } from './pull.js';

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
  const bytesTotal = image.size;
  const exported = await exportImages(source, image.repoTags.length ? image.repoTags : [image.id], { signal: hooks.signal, stallTimeoutMs: hooks.stallTimeoutMs });
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
  hooks.onLog?.(`copying ${image.repoTags[0] ?? image.id} (${image.id}) from ${request.sourceHost} to ${request.targetHost}`);
  const loaded = await loadImages(target, counter, { signal: hooks.signal, stallTimeoutMs: hooks.stallTimeoutMs });
  const inspected = await findImage(new EngineReader(hosts, hooks.signal), request.targetHost, image.id);
  if (!inspected) throw new HangarError('ENGINE_ERROR', `${request.targetHost} loaded the archive but has no image ${image.id}`, { host: request.targetHost });
  hooks.onLog?.(`loaded ${loaded.loaded.map((l) => l.ref ?? l.imageId).join(', ')} on ${request.targetHost} (${loaded.bytes} bytes)`);
  hooks.onProgress?.({ phase: 'complete', percent: 100, bytesDone, bytesTotal: bytesDone, message: `${request.sourceHost} -> ${request.targetHost}`, layers: [] });
  return { imageId: inspected.id, repoTags: inspected.repoTags, bytes: loaded.bytes };
}
