import { WebhookPayloadError, type ParsedDelivery } from './event.js';
import { parseDistributionPayload } from './parse-distribution.js';
import { parseDockerHubPayload } from './parse-dockerhub.js';
import { parseGithubPayload } from './parse-github.js';
import { parseHarborPayload } from './parse-harbor.js';
import { parseStandardPayload } from './parse-standard.js';
import type { WebhookSource } from './sources.js';

/** Parses an (already authenticated) raw body as its source sends it; a WebhookPayloadError means "answer 400". */
export function parseWebhookPayload(source: WebhookSource, rawBody: Buffer, headers: Readonly<Record<string, string | string[] | undefined>>): ParsedDelivery {
  const text = rawBody.toString('utf8');
  if (text.trim() === '') throw new WebhookPayloadError('empty body: expected JSON');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new WebhookPayloadError(`malformed JSON: ${(error as Error).message}`);
  }
  switch (source) {
    case 'distribution':
      return parseDistributionPayload(body);
    case 'harbor':
      return parseHarborPayload(body);
    case 'dockerhub':
      return parseDockerHubPayload(body);
    case 'standard':
      return parseStandardPayload(body, headers);
    case 'github':
      return parseGithubPayload(body, headers);
  }
}
