import { HangarError, type HangarErrorCode } from '../errors/hangar-error.js';

const TLS_CODE = /^(ERR_SSL_|ERR_TLS_|CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|EPROTO$|HOSTNAME_MISMATCH)/;

const NETWORK_REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOENT: 'no such socket',
  EACCES: 'permission denied on the socket',
  ECONNRESET: 'connection reset by the engine',
  EPIPE: 'connection closed by the engine',
  ETIMEDOUT: 'connection timed out',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
};

interface ModemError {
  code?: string;
  statusCode?: number;
  json?: unknown;
  message?: string;
  name?: string;
  /** Set by ssh2 (ssh:// endpoints): 'client-authentication', 'client-timeout', 'client-socket', 'protocol', ... */
  level?: string;
}

function engineMessage(error: ModemError): string {
  const json = error.json;
  if (json && typeof json === 'object' && 'message' in json && typeof json.message === 'string') return json.message;
  if (Buffer.isBuffer(json)) return json.toString('utf8').trim();
  if (typeof json === 'string' && json.trim()) return json.trim();
  return (error.message ?? 'engine error').replace(/^\(HTTP code \d+\) [^-]*- /, '').trim();
}

const STATUS_CODES: Record<number, HangarErrorCode> = {
  400: 'BAD_REQUEST',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
};

/**
 * Turns whatever docker-modem threw into a HangarError with a message a user can act on. Raw dockerode errors
 * never leave packages/core/src/docker.
 */
export function mapDockerError(error: unknown, context: { host: string; endpoint: string }): HangarError {
  if (error instanceof HangarError) return error;
  const e = (error ?? {}) as ModemError;
  const at = `${context.host} (${context.endpoint})`;
  if (typeof e.statusCode === 'number') {
    const message = engineMessage(e);
    if (e.statusCode === 400 && /HTTP request to an HTTPS server/i.test(message)) {
      return new HangarError('TLS_ERROR', `${at}: the engine requires TLS; configure tls for this host`, { cause: error, host: context.host });
    }
    const code = STATUS_CODES[e.statusCode] ?? 'ENGINE_ERROR';
    return new HangarError(code, message, { cause: error, host: context.host });
  }
  const sysCode = e.code ?? '';
  const detail = e.message ?? String(error);
  if (e.level === 'client-authentication') {
    return new HangarError('HOST_UNREACHABLE', `${at}: SSH authentication failed (${detail}): check ssh.privateKey (and its passphrase) or the agent, and the remote user's authorized_keys`, { cause: error, host: context.host });
  }
  if (e.level === 'client-timeout') {
    return new HangarError('HOST_TIMEOUT', `${at}: SSH handshake timed out (${detail})`, { cause: error, host: context.host });
  }
  if (e.level === 'protocol' && /before handshake/i.test(detail)) {
    return new HangarError('HOST_UNREACHABLE', `${at}: no SSH server answered (${detail})`, { cause: error, host: context.host });
  }
  if (TLS_CODE.test(sysCode) || /certificate|ssl|tls/i.test(detail)) {
    return new HangarError('TLS_ERROR', `${at}: TLS handshake failed: ${detail}`, { cause: error, host: context.host });
  }
  const reason = NETWORK_REASONS[sysCode];
  if (reason) {
    return new HangarError('HOST_UNREACHABLE', `${at}: ${reason} (${sysCode})`, { cause: error, host: context.host });
  }
  if (/socket hang up/i.test(detail)) {
    return new HangarError('HOST_UNREACHABLE', `${at}: the engine closed the connection without an answer`, { cause: error, host: context.host });
  }
  return new HangarError('ENGINE_ERROR', `${at}: ${detail}`, { cause: error, host: context.host });
}
