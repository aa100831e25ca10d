import type { DockerHostClient } from '../docker/docker-host-client.js';
import { HangarError } from '../errors/hangar-error.js';
import { familiarName, parseReference, ReferenceSyntaxError } from '../reference/reference.js';
import type { EngineReader } from './engine-reader.js';
import { toImageDetails, type RawImageInspect } from './engine-images.js';
import type { ImageDetails } from './image.types.js';
import { findImage } from './image-service.js';

/** Checks a tag target as `docker tag` does: a valid name, `latest` when no tag, and no digest. */
export function parseTagTarget(target: string): { repo: string; tag: string } {
  let parsed;
  try {
    parsed = parseReference(target);
  } catch (error) {
    if (error instanceof ReferenceSyntaxError) throw new HangarError('BAD_REQUEST', error.message);
    throw error;
  }
  if (parsed.digest) throw new HangarError('BAD_REQUEST', `refusing to create a tag with a digest reference: "${target}"`);
  return { repo: familiarName(parsed), tag: parsed.tag ?? 'latest' };
}

/** `docker tag SOURCE TARGET` on one host; answers the tagged image as it is now. */
export async function tagImage(reader: EngineReader, client: DockerHostClient, host: string, source: string, target: string, signal?: AbortSignal): Promise<ImageDetails> {
  const { repo, tag } = parseTagTarget(target);
  const image = await findImage(reader, host, source);
  if (!image) throw new HangarError('NOT_FOUND', `No such image: ${source}`, { host });
  await client.request({ method: 'POST', path: `/images/${encodeURIComponent(image.id)}/tag`, query: { repo, tag }, signal });
  // Read it again past the request's cache: the tag list has changed.
  return toImageDetails(host, await client.request<RawImageInspect>({ path: `/images/${encodeURIComponent(image.id)}/json`, signal }));
}
