import { OperationError } from './operation-error.js';

/** Credentials for one registry, as the engine takes them in X-Registry-Auth. Never logged, never returned. */
export interface RegistryAuth {
  username?: string | undefined;
  password?: string | undefined;
  identitytoken?: string | undefined;
  serveraddress: string;
}

/** The X-Registry-Auth header: base64url JSON. The engine wants one even for anonymous pushes. */
export function registryAuthHeader(auth: RegistryAuth | undefined): string {
  const body = auth ? { username: auth.username, password: auth.password, identitytoken: auth.identitytoken, serveraddress: auth.serveraddress } : {};
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

/** The X-Registry-Config header for builds: credentials per registry host, base64 JSON. */
export function registryConfigHeader(auths: readonly RegistryAuth[]): string {
  const config: Record<string, { username?: string | undefined; password?: string | undefined; identitytoken?: string | undefined }> = {};
  for (const auth of auths) config[auth.serveraddress] = { username: auth.username, password: auth.password, identitytoken: auth.identitytoken };
  return Buffer.from(JSON.stringify(config)).toString('base64');
}

/** Removes any credential from a text that came back from an engine or a registry. */
export function scrubSecrets(text: string, auths: readonly (RegistryAuth | undefined)[]): string {
  let out = text;
  for (const auth of auths) {
    for (const secret of [auth?.password, auth?.identitytoken]) if (secret && secret.length >= 3) out = out.split(secret).join('[redacted]');
  }
  return out;
}

/** Re-raises an operation's failure with any credential removed from its message. */
export function rethrowScrubbed(error: unknown, auths: readonly (RegistryAuth | undefined)[], host: string): never {
  if (error instanceof OperationError) throw new OperationError(error.code, scrubSecrets(error.message, auths), error.permanent, { host });
  throw error;
}
