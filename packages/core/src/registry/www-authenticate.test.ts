import { describe, expect, it } from 'vitest';
import { parseWwwAuthenticate } from './www-authenticate.js';

describe('parseWwwAuthenticate', () => {
  it('reads a Basic challenge (docker-registry with htpasswd)', () => {
    expect(parseWwwAuthenticate('Basic realm="hangar-sandbox"')).toEqual([{ scheme: 'basic', params: { realm: 'hangar-sandbox' } }]);
  });

  it('reads a Bearer challenge with realm, service and scope', () => {
    const header = 'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"';
    expect(parseWwwAuthenticate(header)).toEqual([
      {
        scheme: 'bearer',
        params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/nginx:pull' },
      },
    ]);
  });

  it('keeps commas, spaces and escaped quotes inside quoted strings', () => {
    const [challenge] = parseWwwAuthenticate(
      'Bearer realm="https://auth/token",scope="repository:a/b:pull,push repository:c:pull",error="insufficient_scope",error_description="say \\"hi\\", then \\\\ leave"',
    );
    expect(challenge?.params).toEqual({
      realm: 'https://auth/token',
      scope: 'repository:a/b:pull,push repository:c:pull',
      error: 'insufficient_scope',
      error_description: 'say "hi", then \\ leave',
    });
  });

  it('splits several challenges in one header, with or without parameters', () => {
    expect(parseWwwAuthenticate('Negotiate, Basic realm="a", Bearer realm="https://t/token", service="s"')).toEqual([
      { scheme: 'negotiate', params: {} },
      { scheme: 'basic', params: { realm: 'a' } },
      { scheme: 'bearer', params: { realm: 'https://t/token', service: 's' } },
    ]);
  });

  it('reads the token68 form', () => {
    expect(parseWwwAuthenticate('Negotiate YII+/abc==, Basic realm="x"')).toEqual([
      { scheme: 'negotiate', params: {}, token68: 'YII+/abc==' },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
  });

  it('lower-cases schemes and parameter names, keeps value case, and tolerates spaces around "="', () => {
    expect(parseWwwAuthenticate('BEARER Realm = "https://Auth/Token" ,  Service=Registry')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://Auth/Token', service: 'Registry' } },
    ]);
  });

  it('accepts unquoted URL values, as some proxies send them', () => {
    expect(parseWwwAuthenticate('Bearer realm=https://auth.example.com/token?x=1,service=reg')).toEqual([
      { scheme: 'bearer', params: { realm: 'https://auth.example.com/token?x=1', service: 'reg' } },
    ]);
  });

  it('keeps the first of duplicated parameters and never touches the prototype', () => {
    const [challenge] = parseWwwAuthenticate('Basic realm="first", realm="second", __proto__="x", constructor="y"');
    expect(challenge?.params.realm).toBe('first');
    expect(Object.keys(challenge?.params ?? {})).toEqual(['realm', '__proto__', 'constructor']);
    expect(Object.getPrototypeOf(challenge?.params)).toBe(Object.prototype);
    expect(challenge?.params.constructor).toBe('y');
  });

  it('is lenient with malformed input', () => {
    expect(parseWwwAuthenticate('')).toEqual([]);
    expect(parseWwwAuthenticate('  ,  ')).toEqual([]);
    expect(parseWwwAuthenticate('Basic realm="unterminated')).toEqual([{ scheme: 'basic', params: { realm: 'unterminated' } }]);
    expect(parseWwwAuthenticate('Basic realm="a"junk, charset="UTF-8"')).toEqual([{ scheme: 'basic', params: { realm: 'a', charset: 'UTF-8' } }]);
    expect(parseWwwAuthenticate('Basic realm=""')).toEqual([{ scheme: 'basic', params: { realm: '' } }]);
    expect(parseWwwAuthenticate('"quoted" Basic realm="x"')).toEqual([
      { scheme: 'quoted', params: {} },
      { scheme: 'basic', params: { realm: 'x' } },
    ]);
  });
});
