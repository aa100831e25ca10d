import { createHash } from 'node:crypto';
import type { HistoryEntry } from './image.types.js';

/** The chain ID of each layer: identity of a layer together with all below it (OCI image spec). */
export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = [];
  for (const diffId of diffIds) {
    const previous = out.at(-1);
    out.push(previous === undefined ? diffId : `sha256:${createHash('sha256').update(`${previous} ${diffId}`).digest('hex')}`);
  }
  return out;
}

const METADATA_INSTRUCTION = /^(?:\/bin\/sh -c )?#\(nop\)|^(?:ENV|LABEL|CMD|ENTRYPOINT|EXPOSE|VOLUME|USER|WORKDIR|ARG|ONBUILD|STOPSIGNAL|HEALTHCHECK|SHELL|MAINTAINER)\b/;

/**
 * Which history steps (oldest first) made the image's filesystem layers. The Engine API does not expose the
 * config's `empty_layer` flags, so: a step with bytes made a layer; a zero-byte step made one unless it is a
 * metadata-only instruction. When that count still disagrees with the layer count, the mapping is unknowable
 * and every layer is reported without its step rather than with a wrong one.
 */
export function layerSteps(historyOldestFirst: readonly HistoryEntry[], layerCount: number): (HistoryEntry | undefined)[] {
  const steps = historyOldestFirst.filter((entry) => entry.size > 0 || !METADATA_INSTRUCTION.test(entry.createdBy.trim()));
  if (steps.length === layerCount) return steps;
  const sized = historyOldestFirst.filter((entry) => entry.size > 0);
  if (sized.length === layerCount) return sized;
  return Array.from({ length: layerCount }, () => undefined);
}
