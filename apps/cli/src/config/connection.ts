import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { CliError } from '../cli-error.js';

/** Where the CLI finds Hangar: HANGAR_URL / HANGAR_TOKEN / HANGAR_HOST, else the config file's `url`, `token`, `host`. */
export interface Connection {
  url: string;
  token: string;
  /** The host commands use when no -H/--all-hosts is given. */
  defaultHost: string | undefined;
  /** Where the values came from, for messages. */
  configFile: string;
}

/** `HANGAR_CONFIG_FILE`, else `$XDG_CONFIG_HOME/hangar/config.json`, else `~/.config/hangar/config.json`. */
export function configFilePath(env: NodeJS.ProcessEnv): string {
  if (env.HANGAR_CONFIG_FILE) return env.HANGAR_CONFIG_FILE;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config');
  return join(base, 'hangar', 'config.json');
}

interface ConfigFile {
  url?: unknown;
  token?: unknown;
  host?: unknown;
}

function readConfigFile(path: string, required: boolean): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && !required) return {};
    throw new CliError(`cannot read ${path}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${path}: not valid JSON (${(error as Error).message})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new CliError(`${path}: expected an object like {"url": "http://127.0.0.1:4000", "token": "…"}`);
  const file = parsed as ConfigFile;
  for (const key of Object.keys(file)) {
    if (!['url', 'token', 'host'].includes(key)) throw new CliError(`${path}: unknown key "${key}" (known: url, token, host)`);
    if (typeof file[key as keyof ConfigFile] !== 'string') throw new CliError(`${path}: "${key}" must be a string`);
  }
  return file;
}

/** Resolves the connection; the environment wins over the file, key by key. */
export function resolveConnection(env: NodeJS.ProcessEnv = process.env): Connection {
  const configFile = configFilePath(env);
  const needFile = !env.HANGAR_URL || !env.HANGAR_TOKEN || Boolean(env.HANGAR_CONFIG_FILE);
  const file = needFile ? readConfigFile(configFile, Boolean(env.HANGAR_CONFIG_FILE)) : {};
  const url = env.HANGAR_URL || (file.url as string | undefined);
  const token = env.HANGAR_TOKEN || (file.token as string | undefined);
  if (!url) throw new CliError(`no Hangar URL: set HANGAR_URL or "url" in ${configFile}`);
  if (!token) throw new CliError(`no Hangar token: set HANGAR_TOKEN or "token" in ${configFile}`);
  return { url, token, defaultHost: env.HANGAR_HOST || (file.host as string | undefined) || undefined, configFile };
}
