export * from './kinds.js';
export { makeJobId, parseJobId, makeBatchId } from './job-id.js';
export { JobQueues, queueName, QUEUE_PREFIX, DEFAULT_JOB_OPTIONS } from './queues.js';
export { readMeta, writeMeta, clearMeta, metaKey, batchKey, uploadKey, CANCEL_CHANNEL, type JobMeta } from './job-meta.js';
export { viewOf, findJob, readJob, jobLogs, listJobs, hideSourceHost, hiddenSourceOf, hideHostName, HIDDEN_HOST, type JobView, type JobState, type JobFilter } from './job-view.js';
export { enqueueJob, dedupeIdOf, sealJobData, type EnqueueRequest } from './producer.js';
export { cancelJob, retryJob } from './control.js';
export { CredentialStore, registryMismatch, loadSecretKey, encryptSecret, decryptSecret, type StoredRegistry } from './credentials.js';
export { redisConnectionOptions } from './redis.js';
