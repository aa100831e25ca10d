export { HangarError, HANGAR_ERROR_CODES, type HangarErrorCode } from './errors/hangar-error.js';
export { ConfigError } from './errors/config-error.js';
export { parseEndpoint, formatEndpoint, EndpointSyntaxError, type Endpoint } from './docker/endpoint.js';
export { negotiateApiVersion, compareApiVersions, MIN_API_VERSION, MAX_API_VERSION } from './docker/api-version.js';
export { DockerHostClient, type DockerHostConnection, type EngineRequest } from './docker/docker-host-client.js';
export type { EngineInfo, EngineVersion, EngineSystemInfo } from './docker/engine.types.js';
export { configSchema, registryConfigSchema, type HostConfig, type RegistryConfig, type HangarConfigInput } from './config/config.schema.js';
export { loadConfig, parseConfig, type HangarConfig, type LoadConfigOptions } from './config/load-config.js';
export { HostRegistry, type HostState, type HostStatus, type HostRegistryOptions } from './hosts/host-registry.js';
export { hostConnection } from './hosts/host-connection.js';
export {
  parseReference,
  familiarName,
  familiarString,
  fullString,
  withDefaultTag,
  isFullImageId,
  isImageIdPrefix,
  ReferenceSyntaxError,
  trimReference,
  DEFAULT_DOMAIN,
  type ImageReference,
} from './reference/reference.js';
export { globMatch, compileGlob, GlobSyntaxError } from './reference/glob.js';
export { registryHostMatches, registryUrlHost } from './reference/registry-host.js';
export type * from './images/image.types.js';
export { validateImageFilter, prepareImageFilter, type ImageFilter } from './images/image-filter.js';
export { parseDockerTimestamp, parseGoDuration, TimestampSyntaxError } from './images/timestamp.js';
export { EngineReader } from './images/engine-reader.js';
export { fanOut, type FanOutResult, type HostFailure } from './images/fan-out.js';
export { listImages, findImage, imageHistory, imageLayers, hostLayers, diskUsage, imageUsage, compareImages } from './images/image-service.js';
export * from './registry/index.js';
export { RegistryDirectory, matchRepositories, type RegistryView, type RegistryWithSecret } from './registry/registry-directory.js';
export { searchThroughEngine, checkSearchLimit, checkSearchTerm, indexOfTerm, SEARCH_LIMIT_MAX, type SearchFilter } from './search/engine-search.js';
export { DeletePlanner, DeleteConflict, planPrune, type DeleteRecord, type PruneOptions } from './images/delete-planner.js';
export type { StoreSnapshot, StoreImage, StoreContainer } from './images/store-snapshot.js';
export { snapshotHost, resolveForDelete, planRemoval, executeRemoval, pruneImages, type RemovalOutcome, type RemovalProblem, type RemovalPlan } from './images/image-removal.js';
export { tagImage, parseTagTarget } from './images/image-tagging.js';
export { commitContainer, checkCommit, CommitChangesError, type CommitRequest } from './images/image-commit.js';
export * from './archives/index.js';
export * from './secrets/index.js';
export * from './operations/index.js';
export { watchImageEvents, type ImageEvent } from './images/image-events.js';
export * from './webhooks/index.js';
export { selectHosts, parseLabelSelector, labelSelectorOf, type HostSelection } from './hosts/select-hosts.js';
export * from './egress/index.js';
export { webhookReceiverSchema, webhookRuleSchema, type WebhookReceiverConfig } from './config/config.schema.js';
