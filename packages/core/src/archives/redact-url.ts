// The redaction helpers live in ../secrets (one helper for every place a URL or a message is shown).
export { redactUrl, redactUrlIn, redactCredentialsIn } from '../secrets/redact.js';
