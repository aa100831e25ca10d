export { ProgressTracker, type OperationProgress, type LayerProgress } from './progress.js';
export { registryAuthHeader, registryConfigHeader, scrubSecrets, type RegistryAuth } from './registry-auth.js';
export { OperationError, classifyEngineFailure } from './operation-error.js';
export { runProgressStream } from './progress-stream.js';
export { pullImage, checkOperationRef, type OperationHooks, type PullResult } from './pull.js';
export { pushImage } from './push.js';
export { buildImage, checkBuildRequest, MAX_INLINE_CONTEXT_BYTES, type BuildContext, type BuildRequest, type BuildResult } from './build.js';
export { copyImage, type CopyResult } from './copy.js';
export { tarOf, tarStream } from './tar-writer.js';
