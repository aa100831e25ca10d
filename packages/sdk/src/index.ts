// @hangar/sdk: the typed client for Hangar's GraphQL API. Works on Node 20+ and in browsers (fetch, WebSocket).
export { createHangarClient, type HangarClient, type HangarClientOptions, type HangarSdk, type VariablesArgs } from './client/create-hangar-client.js';
export type { RequestOptions } from './client/request-options.js';
export type { FetchLike } from './client/http-transport.js';
export type { WebSocketConstructor } from './client/subscriptions.js';
export type { ArchiveBody, ArchiveClient, ExportImagesOptions, ImportImageOptions, ImportImageResult, LoadedImage, LoadImagesOptions, LoadImagesResult, UploadBuildContextOptions, UploadedBuildContext } from './client/archives.js';
export { jobHandle, batchHandle, createJobsApi, isFinished, JobFailedError, type Job, type JobsPayload, type JobHandle, type BatchHandle, type JobsApi, type JobsClient } from './client/jobs.js';
export { baseUrlOf, graphqlHttpUrl, graphqlWebSocketUrl } from './client/endpoints.js';
export { HangarError, isHangarError, codeForStatus, SERVER_ERROR_CODES, CLIENT_ERROR_CODES, type HangarErrorCode, type KnownErrorCode, type GraphQLErrorEntry } from './errors/hangar-error.js';
export { HangarUserError, type UserErrorEntry } from './errors/hangar-user-error.js';
export { throwOnUserErrors, type PayloadWithUserErrors } from './errors/user-errors.js';
export { allNodes, type Page } from './pagination.js';
export type { TypedDocumentNode } from '@graphql-typed-document-node/core';
// Every operation's result and variables types, the input types, and the typed documents.
export * from './generated/graphql.js';
export type { Requester } from './generated/sdk.js';
