import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { configFilePath, resolveConnection } from './connection.js';

const dir = mkdtempSync(join(tmpdir(), 'hangar-cli-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('where the CLI finds Hangar', () => {
  it('the config file path: HANGAR_CONFIG_FILE, XDG_CONFIG_HOME, then ~/.config', () => {
    expect(configFilePath({ HANGAR_CONFIG_FILE: '/etc/h.json', HOME: '/root' })).toBe('/etc/h.json');
    expect(configFilePath({ XDG_CONFIG_HOME: '/x', HOME: '/root' })).toBe('/x/hangar/config.json');
    expect(configFilePath({ HOME: '/home/ada' })).toBe('/home/ada/.config/hangar/config.json');
  });

  it('the environment wins over the file, key by key', () => {
    const path = file('both.json', { url: 'http://file:4000', token: 'file-token', host: 'beta' });
    expect(resolveConnection({ HANGAR_CONFIG_FILE: path, HANGAR_TOKEN: 'env-token' })).toMatchObject({ url: 'http://file:4000', token: 'env-token', defaultHost: 'beta' });
    expect(resolveConnection({ HANGAR_URL: 'http://env:4000', HANGAR_TOKEN: 't', HOME: dir })).toMatchObject({ url: 'http://env:4000', token: 't', defaultHost: undefined });
    expect(resolveConnection({ HANGAR_URL: 'http://env:4000', HANGAR_TOKEN: 't', HANGAR_HOST: 'gamma', HOME: dir }).defaultHost).toBe('gamma');
  });

  it('says what is missing or wrong, naming the file and the key', () => {
    expect(() => resolveConnection({ HOME: dir })).toThrow(`no Hangar URL: set HANGAR_URL or "url" in ${dir}/.config/hangar/config.json`);
    expect(() => resolveConnection({ HANGAR_URL: 'http://h', HOME: dir })).toThrow(/no Hangar token: set HANGAR_TOKEN/);
    expect(() => resolveConnection({ HANGAR_CONFIG_FILE: join(dir, 'missing.json') })).toThrow(/cannot read .*missing\.json/);
    expect(() => resolveConnection({ HANGAR_CONFIG_FILE: file('bad.json', '{nope') })).toThrow(/bad\.json: not valid JSON/);
    expect(() => resolveConnection({ HANGAR_CONFIG_FILE: file('key.json', { url: 'http://h', token: 't', tokn: 'x' }) })).toThrow('unknown key "tokn"');
    expect(() => resolveConnection({ HANGAR_CONFIG_FILE: file('type.json', { url: 'http://h', token: 5 }) })).toThrow('"token" must be a string');
  });
});
