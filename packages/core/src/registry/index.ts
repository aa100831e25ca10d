export type { SearchHit } from './search-hit.js';
export { parseWwwAuthenticate, type AuthChallenge } from './www-authenticate.js';
export {
  DistributionClient,
  isRepositoryName,
  isTag,
  isDigest,
  parseLinkHeader,
  DEFAULT_REGISTRY_TIMEOUT_MS,
  MAX_REGISTRY_RESPONSE_BYTES,
  MANIFEST_MEDIA_TYPES,
  type RegistryClientOptions,
  type RegistryCallOptions,
  type CatalogPage,
} from './distribution-client.js';
export { HarborClient, MAX_HARBOR_PAGE_SIZE, type HarborRepositoryPage } from './harbor-client.js';
