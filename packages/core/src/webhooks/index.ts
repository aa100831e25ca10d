export { WEBHOOK_SOURCES, WEBHOOK_AUTH, type WebhookSource } from './sources.js';
export {
  authenticateWebhook,
  safeEqual,
  headerValue,
  verifyBearer,
  verifyPathToken,
  verifyStandardWebhook,
  signStandardWebhook,
  standardWebhookKey,
  verifyGithubSignature,
  signGithub,
  DEFAULT_TIMESTAMP_TOLERANCE_SECONDS,
  type WebhookVerdict,
  type WebhookRequestParts,
} from './verify.js';
export { classifyEvent, isBlobMediaType, WebhookPayloadError, type RegistryPushEvent, type ParsedDelivery } from './event.js';
export { parseWebhookPayload } from './parse-payload.js';
export { parseDistributionPayload } from './parse-distribution.js';
export { parseHarborPayload } from './parse-harbor.js';
export { parseDockerHubPayload } from './parse-dockerhub.js';
export { parseStandardPayload } from './parse-standard.js';
export { parseGithubPayload } from './parse-github.js';
export { checkWebhookRule, ruleMatches, matchingRules, pullTargetOf, webhookJobKey, webhookBatchId, type WebhookRule, type PullTarget } from './rules.js';
export { checkWebhookConfig } from './webhook-config.js';
