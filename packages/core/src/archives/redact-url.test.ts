import { describe, expect, it } from 'vitest';
import { redactCredentialsIn, redactUrl, redactUrlIn } from './redact-url.js';

describe('redactUrl', () => {
  it.each([
    ['http://alice:s3cret@files.example.com/rootfs.tar', 'http://files.example.com/rootfs.tar'],
    ['https://token@files.example.com:8443/a/b.tar?X-Amz-Signature=abc&X-Amz-Credential=def#frag', 'https://files.example.com:8443/a/b.tar?X-Amz-Signature=redacted&X-Amz-Credential=redacted'],
    ['http://127.0.0.1:8080/x.tar', 'http://127.0.0.1:8080/x.tar'],
  ])('%s', (url, safe) => {
    expect(redactUrl(url)).toBe(safe);
  });

  it('strips credentials from what is not a URL too', () => {
    expect(redactUrl('nonsense://u:p@x y')).not.toMatch(/u:p/);
    expect(redactCredentialsIn('Get "http://bob:pw@h/x": refused; see https://me@h2/y')).toBe('Get "http://h/x": refused; see https://h2/y');
  });

  it('replaces a URL inside a message, also in the form Go prints (password as ***)', () => {
    const url = 'http://alice:s3cret@127.0.0.1:9/rootfs.tar?token=t0ken';
    const message = 'Get "http://alice:***@127.0.0.1:9/rootfs.tar?token=t0ken": dial tcp 127.0.0.1:9: connect: connection refused';
    const safe = redactUrlIn(message, url);
    expect(safe).toBe('Get "http://127.0.0.1:9/rootfs.tar?token=redacted": dial tcp 127.0.0.1:9: connect: connection refused');
    expect(redactUrlIn(`failed: ${url}`, url)).toBe('failed: http://127.0.0.1:9/rootfs.tar?token=redacted');
  });
});
