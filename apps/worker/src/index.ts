export { startWorkerPool, type WorkerPool, type WorkerPoolOptions } from './worker-pool.js';
export { makeProcessor, type ProcessorDeps } from './processor.js';
