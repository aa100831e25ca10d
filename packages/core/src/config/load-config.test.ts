import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../errors/config-error.js';
import { loadConfig, parseConfig } from './load-config.js';

function dirWith(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hangar-config-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('applies defaults and makes a local host when none is configured', () => {
    const config = parseConfig({}, { baseDir: '/srv/hangar', env: {} });
    expect(config.listen).toEqual({ host: '127.0.0.1', port: 4000 });
    expect(config.dataDir).toBe('/srv/hangar/.hangar');
    expect(config.redis).toBeUndefined();
    expect(config.hosts).toEqual([
      expect.objectContaining({ name: 'local', endpoint: 'unix:///var/run/docker.sock', labels: {}, maxConcurrentJobs: 2 }),
    ]);
  });

  it('takes the local host from DOCKER_HOST', () => {
    const config = parseConfig({}, { env: { DOCKER_HOST: 'tcp://10.1.2.3:2375' } });
    expect(config.hosts[0]).toMatchObject({ name: 'local', endpoint: 'tcp://10.1.2.3:2375' });
  });

  it('applies environment overrides', () => {
    const config = parseConfig({ listen: { port: 1 } }, { env: { HANGAR_PORT: '4100', REDIS_URL: 'redis://127.0.0.1:6380', HANGAR_DATA_DIR: '/var/lib/hangar' } });
    expect(config.listen.port).toBe(4100);
    expect(config.redis).toEqual({ url: 'redis://127.0.0.1:6380' });
    expect(config.dataDir).toBe('/var/lib/hangar');
  });

  it('names an unknown key, however deep', () => {
    expect(errorOf(() => parseConfig({ listn: {} }, { env: {} })).message).toBe('config: listn: unknown key');
    const deep = errorOf(() => parseConfig({ hosts: [{ name: 'a', endpoint: 'unix:///x.sock' }, { name: 'b', endpoint: 'unix:///y.sock', tsl: {} }] }, { env: {} }));
    expect(deep.key).toBe('hosts[1].tsl');
    expect(deep.message).toMatch(/hosts\[1\]\.tsl: unknown key/);
  });

  it('names a malformed endpoint', () => {
    const error = errorOf(() => parseConfig({ hosts: [{ name: 'a', endpoint: 'tcp://host:notaport' }] }, { env: {} }));
    expect(error.key).toBe('hosts[0].endpoint');
    expect(error.message).toMatch(/malformed endpoint "tcp:\/\/host:notaport"/);
  });

  it('names a missing certificate file, resolved against the config’s folder', () => {
    const dir = dirWith({ 'ca.pem': 'x' });
    const error = errorOf(() =>
      parseConfig({ hosts: [{ name: 'g', endpoint: 'tcp://127.0.0.1:2376', tls: { ca: 'ca.pem', cert: 'certs/cert.pem', key: 'certs/key.pem' } }] }, { baseDir: dir, env: {} }),
    );
    expect(error.key).toBe('hosts[0].tls.cert');
    expect(error.message).toContain(join(dir, 'certs/cert.pem'));
  });

  it('rejects duplicate host names, bad names, bad types and tls on a unix socket', () => {
    expect(errorOf(() => parseConfig({ hosts: [{ name: 'a', endpoint: '/a.sock' }, { name: 'a', endpoint: '/b.sock' }] }, { env: {} })).key).toBe('hosts[1].name');
    expect(errorOf(() => parseConfig({ hosts: [{ name: 'bad name', endpoint: '/a.sock' }] }, { env: {} })).key).toBe('hosts[0].name');
    expect(errorOf(() => parseConfig({ listen: { port: 'x' } }, { env: {} })).key).toBe('listen.port');
    const dir = dirWith({ 'ca.pem': 'x' });
    expect(errorOf(() => parseConfig({ hosts: [{ name: 'a', endpoint: '/a.sock', tls: { ca: 'ca.pem' } }] }, { baseDir: dir, env: {} })).key).toBe('hosts[0].tls');
  });

  it('rejects a bad port in the environment, naming the variable', () => {
    expect(errorOf(() => parseConfig({}, { env: { HANGAR_PORT: 'eighty' } })).key).toBe('HANGAR_PORT');
  });
});

describe('loadConfig', () => {
  it('reads hangar.yaml from the working folder', () => {
    const dir = dirWith({
      'hangar.yaml': 'listen: { port: 4010 }\nhosts:\n  - name: alpha\n    endpoint: unix:///run/alpha.sock\n    labels: { role: api }\n',
    });
    const config = loadConfig({ cwd: dir, env: {} });
    expect(config.source).toBe(join(dir, 'hangar.yaml'));
    expect(config.listen.port).toBe(4010);
    expect(config.hosts).toEqual([expect.objectContaining({ name: 'alpha', labels: { role: 'api' } })]);
  });

  it('reports YAML syntax errors and duplicate keys with the file name', () => {
    const dir = dirWith({ 'bad.yaml': 'hosts: [\n', 'dup.yaml': 'dataDir: a\ndataDir: b\n' });
    expect(errorOf(() => loadConfig({ path: 'bad.yaml', cwd: dir, env: {} })).message).toMatch(/bad\.yaml: not valid YAML/);
    expect(errorOf(() => loadConfig({ path: 'dup.yaml', cwd: dir, env: {} })).message).toMatch(/not valid YAML/);
  });

  it('fails when HANGAR_CONFIG names a file that does not exist', () => {
    expect(errorOf(() => loadConfig({ cwd: '/', env: { HANGAR_CONFIG: '/nonexistent/hangar.yaml' } })).key).toBe('HANGAR_CONFIG');
  });
});
