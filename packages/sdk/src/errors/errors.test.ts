import { describe, expect, it } from 'vitest';
import { codeForStatus, HangarError } from './hangar-error.js';
import { HangarUserError } from './hangar-user-error.js';
import { throwOnUserErrors } from './user-errors.js';

describe('typed errors', () => {
  it('HangarError keeps its code, status and name', () => {
    const error = new HangarError('HOST_TIMEOUT', 'gamma did not answer', { status: 200, host: 'gamma' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('HangarError');
    expect(error).toMatchObject({ code: 'HOST_TIMEOUT', host: 'gamma', status: 200 });
  });

  it('maps HTTP statuses', () => {
    expect(codeForStatus(200)).toBeUndefined();
    expect(codeForStatus(400)).toBe('BAD_REQUEST');
    expect(codeForStatus(401)).toBe('UNAUTHENTICATED');
    expect(codeForStatus(404)).toBe('NOT_FOUND');
    expect(codeForStatus(413)).toBe('PAYLOAD_TOO_LARGE');
    expect(codeForStatus(502)).toBe('UNAVAILABLE');
  });

  it('throwOnUserErrors returns a clean payload and throws every user error with code, field and host', () => {
    const clean = { image: { imageId: 'sha256:1' }, userErrors: [] };
    expect(throwOnUserErrors(clean)).toBe(clean);
    const payload = {
      results: [],
      userErrors: [
        { code: 'CONFLICT', message: 'in use', field: ['input', 'refs', '0'], host: 'gamma' },
        { code: 'NOT_FOUND', message: 'no such image', field: ['input', 'refs', '1'], host: 'beta' },
      ],
    };
    const error = (() => {
      try {
        throwOnUserErrors(payload);
      } catch (e) {
        return e as HangarUserError;
      }
      return undefined;
    })()!;
    expect(error).toBeInstanceOf(HangarUserError);
    expect(error.name).toBe('HangarUserError');
    expect(error.code).toBe('CONFLICT');
    expect(error.codes).toEqual(['CONFLICT', 'NOT_FOUND']);
    expect(error.hosts).toEqual(['gamma', 'beta']);
    expect(error.payload).toBe(payload);
    expect(error.message).toBe('2 user errors: gamma: CONFLICT: in use (input.refs.0); beta: NOT_FOUND: no such image (input.refs.1)');
  });
});
