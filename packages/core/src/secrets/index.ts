export { REDACTED, redactUrl, redactCredentialsIn, redactSecretsIn, redactText, redactUrlIn, hasUserInfo, urlNeedsRedaction, redactDeep } from './redact.js';
