import { describe, expect, it } from 'vitest';
import { mapDockerError } from './map-docker-error.js';

const context = { host: 'alpha', endpoint: 'tcp://127.0.0.1:2376' };

function errno(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('mapDockerError', () => {
  it.each([
    [errno('ECONNREFUSED'), 'HOST_UNREACHABLE', /connection refused/],
    [errno('ENOENT'), 'HOST_UNREACHABLE', /no such socket/],
    [errno('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'alert certificate required'), 'TLS_ERROR', /TLS handshake failed/],
    [errno('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), 'TLS_ERROR', /TLS/],
    [errno('ECONNRESET', 'socket hang up'), 'HOST_UNREACHABLE', /reset/],
  ])('maps network failure %#', (error, code, message) => {
    const mapped = mapDockerError(error, context);
    expect(mapped.code).toBe(code);
    expect(mapped.message).toMatch(message);
    expect(mapped.message).toContain('alpha');
    expect(mapped.host).toBe('alpha');
  });

  it('maps engine status codes and keeps the engine’s message', () => {
    const notFound = Object.assign(new Error('(HTTP code 404) no such image - x'), { statusCode: 404, json: { message: 'No such image: x:latest' } });
    expect(mapDockerError(notFound, context)).toMatchObject({ code: 'NOT_FOUND', message: 'No such image: x:latest' });
    const conflict = Object.assign(new Error('(HTTP code 409) conflict'), { statusCode: 409, json: { message: 'image is being used' } });
    expect(mapDockerError(conflict, context).code).toBe('CONFLICT');
    const server = Object.assign(new Error('(HTTP code 500) boom'), { statusCode: 500, json: null });
    expect(mapDockerError(server, context).code).toBe('ENGINE_ERROR');
  });

  it('recognises plain HTTP sent to a TLS engine', () => {
    const error = Object.assign(new Error('x'), { statusCode: 400, json: Buffer.from('Client sent an HTTP request to an HTTPS server.\n') });
    expect(mapDockerError(error, context).code).toBe('TLS_ERROR');
  });
});
