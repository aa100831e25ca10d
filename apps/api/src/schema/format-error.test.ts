import { GraphQLError } from 'graphql';
import { HangarError } from '@hangar/core';
import { describe, expect, it } from 'vitest';
import { makeFormatError } from './format-error.js';

describe('makeFormatError', () => {
  const format = makeFormatError(() => {});
  const secret = `s3:cr@t-${Math.random().toString(36).slice(2)}`;
  /** A bearer token as Hangar makes them (token68 characters). */
  const token = `hgr_${Buffer.from(secret).toString('base64url')}`;

  it('keeps a HangarError’s code and host, and takes user info, query values and Authorization values out of its message', () => {
    const error = new HangarError('BAD_REQUEST', `GET https://user:${encodeURIComponent(secret)}@files.example/a.tar?X-Amz-Signature=${secret} answered 403; sent Bearer ${token}`, { host: 'alpha' });
    const out = format({ message: error.message, path: ['loadImage'] }, error);
    expect(out.extensions).toEqual({ code: 'BAD_REQUEST', host: 'alpha' });
    expect(out.message).not.toContain(secret);
    expect(out.message).not.toContain(encodeURIComponent(secret));
    expect(out.message).not.toContain(token);
    expect(out.message).toContain('https://files.example/a.tar?X-Amz-Signature=redacted');
  });

  it('redacts a validation message that quotes a value the client sent', () => {
    const error = new GraphQLError(`Expected value of type "Int", found "https://u:${encodeURIComponent(secret)}@x.example/".`, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    const out = format(error.toJSON(), error);
    expect(out.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(out.message).not.toContain(encodeURIComponent(secret));
  });

  it('leaves a message without secrets as it is', () => {
    const message = 'wrong-password (http://127.0.0.1:5000): ping: the registry rejected the credentials of user "hangar"';
    const error = new HangarError('REGISTRY_AUTH_FAILED', message);
    expect(format({ message, path: ['testRegistryLogin'] }, error).message).toBe(message);
  });
});
