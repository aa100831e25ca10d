import type { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { TemplateError } from '../format/go-template.js';
import { collect } from '../flags/filters.js';
import type { Runtime } from '../runtime.js';

/** `-H, --host NAME` (repeatable) and `--all-hosts`. */
export function hostOptions(command: Command, { single = false } = {}): Command {
  command.option('-H, --host <name>', single ? 'Hangar host to use' : 'Hangar host to use (repeatable, or comma-separated)', collect);
  if (!single) command.option('--all-hosts', 'Use every host of the fleet');
  return command;
}

export const FORMAT_HELP = `Format output using a custom template:
'table':            Print output in table format with column headers (default)
'table TEMPLATE':   Print output in table format using the given Go template
'json':             Print in JSON format
'TEMPLATE':         Print output using the given Go template`;

/** The line an error prints as: `CODE: [host: ]message`, the host only when the message does not start with it. */
export function describeCoded(code: string, message: string, host?: string | null): string {
  const withHost = host && !message.startsWith(`${host}:`) && !message.startsWith(`${host} `) ? `${host}: ${message}` : message;
  return `${code}: ${withHost}`;
}

/** Hosts that could not answer a fleet-wide read: one `Error:` line each, and exit code 1. */
export function reportHostErrors(rt: Runtime, hostErrors: readonly { host: string; code: string; message: string }[]): void {
  for (const error of hostErrors) rt.err(`Error: ${describeCoded(error.code, error.message, error.host)}\n`);
  if (hostErrors.length > 0) rt.exitCode = 1;
}

/** Mutation userErrors: one `Error:` line each (naming the host when several were asked), and exit code 1. */
export function reportUserErrors(rt: Runtime, userErrors: readonly { code: string; message: string; host?: string | null }[], { multiHost = false } = {}): void {
  for (const error of userErrors) rt.err(`Error: ${describeCoded(error.code, error.message, multiHost ? error.host : undefined)}\n`);
  if (userErrors.length > 0) rt.exitCode = 1;
}

/** A template mistake reads as docker's `template parsing error: …`. */
export function templateFailure(error: unknown): never {
  if (error instanceof TemplateError) throw new CliError(`template parsing error: ${error.message}`);
  throw error;
}

/** Positive integers for `--limit` and the like. */
export function positiveInt(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value.trim())) throw new CliError(`invalid argument "${value}" for "${name}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`, 125);
    return Number(value.trim());
  };
}

/** docker's optional booleans: `--human`, `--human=false`, `--pause=0`. */
export function boolFlag(name: string) {
  return (value: string | undefined): boolean => {
    if (value === undefined) return true;
    const lower = value.toLowerCase();
    if (['true', '1', 't'].includes(lower)) return true;
    if (['false', '0', 'f'].includes(lower)) return false;
    throw new CliError(`invalid argument "${value}" for "${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`, 125);
  };
}

/** `host(name)` answered null. */
export function noSuchHost(host: string): CliError {
  return new CliError(`HOST_NOT_FOUND: no host named "${host}"`);
}

/** `image(ref)` answered null: docker's wording. */
export function noSuchImage(ref: string, host?: string): CliError {
  return new CliError(`NOT_FOUND: ${host ? `${host}: ` : ''}No such image: ${ref}`);
}
