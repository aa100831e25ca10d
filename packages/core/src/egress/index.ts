export {
  allows,
  checkSearchIndex,
  checkTarget,
  checkUrl,
  compileEgressPolicy,
  deniedError,
  egressPolicyOf,
  EgressDeniedError,
  namedByAllow,
  parseAllowEntry,
  parseDenyEntry,
  parseTarget,
  DEFAULT_PORTS,
  type EgressCheck,
  type EgressConfig,
  type EgressPolicy,
  type EgressScheme,
  type EgressTarget,
  type EgressUse,
  type Resolver,
} from './policy.js';
export { DEFAULT_DENIED_NETWORKS, embeddedIPv4, inNetworks } from './addresses.js';
export { systemResolver } from './resolve.js';
export { egressGet, type EgressGetOptions, type EgressResponse } from './fetch.js';
