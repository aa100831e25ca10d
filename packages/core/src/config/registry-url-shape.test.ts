import { describe, expect, it } from 'vitest';
import { registryConfigSchema } from './config.schema.js';

const parse = (url: string) => registryConfigSchema.safeParse({ name: 'r', url });

describe('registry URL shape', () => {
  it.each(['https://registry.example.com', 'http://127.0.0.1:5000', `https://${'a'.repeat(63)}.example.com/v2`])('takes %s', (url) => {
    expect(parse(url).success).toBe(true);
  });

  // The URL parser strips tabs and newlines and percent-encodes NUL and spaces, so these passed as other URLs.
  it.each([
    ['a CRLF', 'http://files.invalid/x\r\nX-Injected: 1'],
    ['a NUL', 'http://files.invalid/x\u0000'],
    ['a tab', 'http://files\t.invalid/'],
    ['a 64-character label', `http://${'a'.repeat(64)}.invalid/`],
    ['a 10,000-character host', `http://${'a'.repeat(10_000)}.invalid/`],
  ])('refuses %s', (_what, url) => {
    expect(parse(url).success).toBe(false);
  });
});
