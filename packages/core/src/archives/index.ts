export {
  exportImages,
  loadImages,
  importImage,
  checkExportRef,
  checkImportTarget,
  checkImportUrl,
  DEFAULT_STALL_TIMEOUT_MS,
  type ExportStream,
  type ImportInput,
  type ImportResult,
  type LoadedImage,
  type LoadResult,
  type StreamOptions,
  type UploadOptions,
  type ImportOptions,
} from './archive-service.js';
export {
  CHANGE_INSTRUCTIONS,
  parseDockerfileChange,
  checkDockerfileChanges,
  assertDockerfileChanges,
  describeChangeProblems,
  DockerfileChangeError,
  type ChangeInstruction,
  type ChangeProblem,
  type ChangeCheckOptions,
  type DockerfileChange,
} from './dockerfile-changes.js';
export { checkTarHeader, tarChecksums, tarNumber, isZeroBlock, TAR_BLOCK, type TarHeaderCheck } from './tar-header.js';
export { TarFramingCheck, TarFramingError } from './tar-framing.js';
export { JsonLinesDecoder, messageError, loadedImageOf, importedImageIdOf, isArchiveFault, engineFailure, type EngineMessage, type ProgressLine } from './progress-lines.js';
export { StallWatchdog, type StallWatchdogOptions } from './stall-watchdog.js';
export { UploadGate, UploadTooLargeError, NotATarError, type UploadGateOptions } from './upload-gate.js';
export { redactUrl, redactUrlIn, redactCredentialsIn } from './redact-url.js';
