import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors/config-error.js';
import { checkWebhookConfig } from '../webhooks/webhook-config.js';
import { configSchema, type HostConfig, type ParsedConfig } from './config.schema.js';

/** The configuration Hangar runs with: validated, defaults applied, every file path absolute and present. */
export interface HangarConfig extends ParsedConfig {
  /** The file it came from, when there was one. */
  source: string | undefined;
}

export interface LoadConfigOptions {
  /** Explicit path; otherwise HANGAR_CONFIG, otherwise ./hangar.yaml when present. */
  path?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, part) => (typeof part === 'number' ? `${out}[${part}]` : out ? `${out}.${String(part)}` : String(part)), '');
}

function firstIssue(error: z.ZodError, source: string): ConfigError {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const key = formatPath([...issue.path, issue.keys[0]!]);
    return new ConfigError(key, `unknown key${issue.keys.length > 1 ? ` (also: ${issue.keys.slice(1).join(', ')})` : ''}`, source);
  }
  return new ConfigError(formatPath(issue.path), issue.message, source);
}

function envInt(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new ConfigError(name, `must be a port number, got "${raw}"`, 'environment');
  return value;
}

/** With no hosts configured: one host named `local` from DOCKER_HOST (and DOCKER_CERT_PATH) or the local socket. */
function localHost(env: NodeJS.ProcessEnv): Record<string, unknown> {
  const endpoint = env.DOCKER_HOST || 'unix:///var/run/docker.sock';
  const host: Record<string, unknown> = { name: 'local', endpoint };
  if (env.DOCKER_TLS_VERIFY && env.DOCKER_TLS_VERIFY !== '0' && env.DOCKER_CERT_PATH) {
    const dir = env.DOCKER_CERT_PATH;
    host.tls = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  }
  return host;
}

function checkFiles(hosts: HostConfig[], baseDir: string, source: string): void {
  hosts.forEach((host, index) => {
    const files: [string, string | undefined][] = [
      ['tls.ca', host.tls?.ca],
      ['tls.cert', host.tls?.cert],
      ['tls.key', host.tls?.key],
      ['ssh.privateKey', host.ssh?.privateKey],
    ];
    for (const [key, file] of files) {
      if (file === undefined) continue;
      const absolute = isAbsolute(file) ? file : resolve(baseDir, file);
      if (!existsSync(absolute)) throw new ConfigError(`hosts[${index}].${key}`, `file not found: ${absolute}`, source);
      const [group, field] = key.split('.') as ['tls' | 'ssh', string];
      (host[group] as Record<string, unknown>)[field] = absolute;
    }
    if (host.tls && Boolean(host.tls.cert) !== Boolean(host.tls.key)) {
      throw new ConfigError(`hosts[${index}].tls`, 'cert and key go together: give both or neither', source);
    }
    if (host.tls && host.endpoint.match(/^(unix|ssh):|^\//)) {
      throw new ConfigError(`hosts[${index}].tls`, 'tls applies to tcp:// endpoints only', source);
    }
  });
  const seen = new Set<string>();
  hosts.forEach((host, index) => {
    if (seen.has(host.name)) throw new ConfigError(`hosts[${index}].name`, `duplicate host name "${host.name}"`, source);
    seen.add(host.name);
  });
}

/** Validates a configuration object (as read from YAML) and applies environment overrides. */
export function parseConfig(
  raw: unknown,
  { source = 'config', baseDir = process.cwd(), env = process.env }: { source?: string; baseDir?: string; env?: NodeJS.ProcessEnv } = {},
): HangarConfig {
  if (raw !== null && raw !== undefined && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw new ConfigError('', 'the top level must be a mapping of keys', source);
  }
  const input: Record<string, unknown> = { ...((raw as Record<string, unknown> | null) ?? {}) };
  const result = configSchema.safeParse(input);
  if (!result.success) throw firstIssue(result.error, source);
  const config = result.data;

  const port = envInt(env, 'HANGAR_PORT');
  if (port !== undefined) config.listen.port = port;
  if (env.HANGAR_LISTEN_HOST) config.listen.host = env.HANGAR_LISTEN_HOST;
  if (env.REDIS_URL) {
    if (!/^rediss?:\/\/|^unix:\/\//.test(env.REDIS_URL)) throw new ConfigError('REDIS_URL', 'must be redis://, rediss:// or unix://', 'environment');
    config.redis = { url: env.REDIS_URL };
  }
  if (env.HANGAR_DATA_DIR) config.dataDir = env.HANGAR_DATA_DIR;
  config.dataDir = resolve(baseDir, config.dataDir);

  if (config.hosts.length === 0) {
    const local = configSchema.shape.hosts.safeParse([localHost(env)]);
    if (!local.success) throw new ConfigError('DOCKER_HOST', local.error.issues[0]!.message, 'environment');
    config.hosts = local.data;
  }
  checkFiles(config.hosts, baseDir, source);
  const webhookProblem = checkWebhookConfig(config.webhooks, config.hosts.map((host) => host.name));
  if (webhookProblem) throw new ConfigError(webhookProblem.key, webhookProblem.message, source);
  return { ...config, source: source === 'config' ? undefined : source };
}

/** Reads hangar.yaml (or the file HANGAR_CONFIG names) and validates it; no file means all defaults. */
export function loadConfig({ path, env = process.env, cwd = process.cwd() }: LoadConfigOptions = {}): HangarConfig {
  const explicit = path ?? env.HANGAR_CONFIG;
  const file = explicit ? resolve(cwd, explicit) : existsSync(join(cwd, 'hangar.yaml')) ? join(cwd, 'hangar.yaml') : undefined;
  if (!file) return parseConfig({}, { baseDir: cwd, env });
  if (!existsSync(file)) throw new ConfigError('HANGAR_CONFIG', `file not found: ${file}`, 'environment');
  const document = parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: true });
  if (document.errors.length > 0) {
    const error = document.errors[0]!;
    throw new ConfigError('', `not valid YAML: ${error.message}`, file);
  }
  return parseConfig(document.toJS(), { source: file, baseDir: dirname(file), env });
}
