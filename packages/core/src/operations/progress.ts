import type { EngineMessage } from '../archives/progress-lines.js';

/** One layer's state in a pull, push or load, as the engine reports it. */
export interface LayerProgress {
  id: string;
  status: string;
  current: number | undefined;
  total: number | undefined;
}

/** A long operation's progress: phase, aggregate bytes, and each layer. */
export interface OperationProgress {
  phase: string;
  percent: number | undefined;
  bytesDone: number | undefined;
  bytesTotal: number | undefined;
  message: string | undefined;
  layers: LayerProgress[];
}

const DONE = /^(Pull complete|Already exists|Download complete|Pushed|Layer already exists|Mounted from|Loaded)/;
const DOWNLOADING = /^(Downloading|Pushing|Loading layer)/;
const EXTRACTING = /^Extracting/;

interface LayerState {
  status: string;
  current: number | undefined;
  total: number | undefined;
  /** Bytes to move over the network for this layer (the download/push total), once known. */
  transferTotal: number | undefined;
  transferDone: number;
  finished: boolean;
}

/**
 * Folds the engine's progress messages (pull, push, load) into per-layer states and one aggregate. Pure: feed it
 * messages, read `snapshot()`. Bytes are the network transfer: a layer counts its total once its size is known,
 * and all of it once it has been downloaded, pushed or found to exist already.
 */
export class ProgressTracker {
  private readonly layers = new Map<string, LayerState>();
  private phase = 'starting';
  private message: string | undefined;
  /** Status lines worth a log line: each layer's status changes and the engine's own statements. */
  readonly logLines: string[] = [];

  constructor(private readonly verbs: { transfer: 'download' | 'push' | 'load' } = { transfer: 'download' }) {}

  feed(message: EngineMessage): void {
    const status = message.status;
    if (typeof status !== 'string') {
      if (typeof message.stream === 'string' && message.stream.trim()) this.log(message.stream.trim());
      return;
    }
    const id = message.id;
    if (!id || id === 'latest' || !/^[0-9a-f]{12,64}$/.test(id)) {
      this.message = id ? `${id}: ${status}` : status;
      this.log(this.message);
      if (/^Digest:|^Status:/.test(status)) this.phase = 'complete';
      return;
    }
    let layer = this.layers.get(id);
    if (!layer) {
      layer = { status, current: undefined, total: undefined, transferTotal: undefined, transferDone: 0, finished: false };
      this.layers.set(id, layer);
    }
    if (layer.status !== status) this.log(`${id}: ${status}`);
    layer.status = status;
    layer.current = message.progressDetail?.current;
    layer.total = message.progressDetail?.total;
    if (DOWNLOADING.test(status)) {
      this.phase = this.verbs.transfer === 'push' ? 'pushing' : this.verbs.transfer === 'load' ? 'loading' : 'downloading';
      if (layer.total) layer.transferTotal = layer.total;
      if (layer.current !== undefined) layer.transferDone = Math.min(layer.current, layer.transferTotal ?? layer.current);
    } else if (EXTRACTING.test(status)) {
      this.phase = 'extracting';
      if (layer.transferTotal !== undefined) layer.transferDone = layer.transferTotal;
    } else if (DONE.test(status)) {
      layer.finished = true;
      if (layer.transferTotal !== undefined) layer.transferDone = layer.transferTotal;
    }
  }

  private log(line: string): void {
    this.logLines.push(line);
  }

  /** Takes the log lines gathered since the last call. */
  drainLog(): string[] {
    return this.logLines.splice(0, this.logLines.length);
  }

  finish(message?: string): void {
    this.phase = 'complete';
    if (message) this.message = message;
    for (const layer of this.layers.values()) {
      layer.finished = true;
      if (layer.transferTotal !== undefined) layer.transferDone = layer.transferTotal;
    }
  }

  snapshot(): OperationProgress {
    const layers = [...this.layers.entries()].map(([id, layer]) => ({ id, status: layer.status, current: layer.current, total: layer.total }));
    const known = [...this.layers.values()].filter((layer) => layer.transferTotal !== undefined);
    const bytesTotal = known.length ? known.reduce((sum, layer) => sum + layer.transferTotal!, 0) : undefined;
    const bytesDone = known.length ? known.reduce((sum, layer) => sum + layer.transferDone, 0) : undefined;
    const allDone = this.layers.size > 0 && [...this.layers.values()].every((layer) => layer.finished);
    const percent =
      this.phase === 'complete' || allDone ? 100 : bytesTotal ? Math.min(99.9, Math.round((1000 * (bytesDone ?? 0)) / bytesTotal) / 10) : undefined;
    return { phase: this.phase, percent, bytesDone, bytesTotal, message: this.message, layers };
  }
}

/** Hands a tracker's state and new log lines to an operation's hooks, with credentials scrubbed from the lines. */
export function progressEmitter(tracker: ProgressTracker, hooks: { onProgress?: ((p: OperationProgress) => void) | undefined; onLog?: ((line: string) => void) | undefined }, scrub: (line: string) => string): () => void {
  return () => {
    hooks.onProgress?.(tracker.snapshot());
    for (const line of tracker.drainLog()) hooks.onLog?.(scrub(line));
  };
}
