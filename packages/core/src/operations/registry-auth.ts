import { redactSecretsIn } from '../secrets/redact.js';
import { OperationError } from './operation-error.js';

/** Credentials for one registry, as the engine takes them in X-Registry-Auth. Never logged, never returned. */
export interface RegistryAuth {
  username?: string | undefined;
  password?: string | undefined;
  identitytoken?: string | undefined;
  serveraddress: string;
}

/**
 * JSON in the encoding the engine decodes X-Registry-Auth and X-Registry-Config with: Go's `base64.URLEncoding`,
 * the URL-safe alphabet WITH `=` padding (moby: `registry.DecodeAuthConfig`, `getAuthConfigs`; the docker CLI
 * encodes with the same). Unpadded base64url (Node's 'base64url') fails there whenever the JSON's byte length is
 * not a multiple of 3, and the engine then silently goes on with no credentials; standard base64 fails wherever
 * the bytes encode to `+` or `/`.
 */
export function encodeEngineJson(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64').replace(/\+/g, '-').replace(/\//g, '_');
}

/** The X-Registry-Auth header. The engine wants one even for anonymous pushes (`{}`). */
export function registryAuthHeader(auth: RegistryAuth | undefined): string {
  const body = auth ? { username: auth.username, password: auth.password, identitytoken: auth.identitytoken, serveraddress: auth.serveraddress } : {};
  return encodeEngineJson(body);
}

/** The X-Registry-Config header for builds: credentials per registry host (what FROM and --pull use). */
export function registryConfigHeader(auths: readonly RegistryAuth[]): string {
  const config: Record<string, { username?: string | undefined; password?: string | undefined; identitytoken?: string | undefined; serveraddress: string }> = {};
  for (const auth of auths) config[auth.serveraddress] = { username: auth.username, password: auth.password, identitytoken: auth.identitytoken, serveraddress: auth.serveraddress };
  return encodeEngineJson(config);
}

/** Removes any credential from a text that came back from an engine or a registry. */
export function scrubSecrets(text: string, auths: readonly (RegistryAuth | undefined)[]): string {
  return redactSecretsIn(text, auths.flatMap((auth) => [auth?.password, auth?.identitytoken]));
}

/**
 * Re-raises an operation's failure with any credential removed from its message. A registry's refusal names the
 * registry and whether credentials were sent, so "no basic auth credentials" says which registry wanted them.
 */
export function rethrowScrubbed(error: unknown, auths: readonly (RegistryAuth | undefined)[], host: string, registry?: string): never {
  if (error instanceof OperationError) {
    let message = scrubSecrets(error.message, auths);
    if (error.code === 'REGISTRY_AUTH_FAILED' && registry) {
      const auth = auths.find((a) => a !== undefined);
      const sent = auth?.username ? `the credentials of user ${JSON.stringify(auth.username)}` : auth?.identitytoken ? 'an identity token' : 'no credentials';
      message = `registry ${registry} refused access (${sent} sent): ${message}`;
    }
    throw new OperationError(error.code, message, error.permanent, { host });
  }
  throw error;
}
