/** The kinds of sender a webhook receiver understands; each has its own payload format and authentication. */
export const WEBHOOK_SOURCES = ['distribution', 'harbor', 'dockerhub', 'standard', 'github'] as const;
export type WebhookSource = (typeof WEBHOOK_SOURCES)[number];

/** How each source proves who it is. */
export const WEBHOOK_AUTH: Record<WebhookSource, 'bearer' | 'path-token' | 'standard-hmac' | 'github-hmac'> = {
  distribution: 'bearer',
  harbor: 'bearer',
  dockerhub: 'path-token',
  standard: 'standard-hmac',
  github: 'github-hmac',
};
