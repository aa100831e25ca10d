import { describe, expect, it } from 'vitest';
import { registryHostMatches, registryUrlHost } from './registry-host.js';

describe('registryHostMatches', () => {
  it.each([
    ['127.0.0.1:5000', 'http://127.0.0.1:5000', true],
    ['127.0.0.1:5000', 'http://127.0.0.1:5001', false],
    ['127.0.0.2:5000', 'http://127.0.0.1:5000', false],
    ['other.example', 'https://prod.example', false],
    ['prod.example', 'https://PROD.example/', true],
    ['prod.example:443', 'https://prod.example', true],
    ['prod.example:80', 'https://prod.example', false],
    ['prod.example', 'https://prod.example:8443', false],
    ['docker.io', 'https://index.docker.io/v1/', true],
    ['docker.io', 'https://registry-1.docker.io', true],
    ['docker.io', 'https://prod.example', false],
    ['prod.example', 'https://index.docker.io/v1/', false],
    ['prod.example', 'not a url', false],
    ['evil.example', 'https://evil.example@prod.example', false],
  ])('%s against %s: %s', (domain, url, expected) => {
    expect(registryHostMatches(domain, url)).toBe(expected);
  });

  it('registryUrlHost lower-cases and keeps the port', () => {
    expect(registryUrlHost('https://Harbor.Example:8443/x')).toBe('harbor.example:8443');
  });
});
