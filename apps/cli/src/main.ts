import { HangarError, HangarUserError } from '@hangar/sdk';
import { CommanderError, type Command } from 'commander';
import { CliError, UsageError } from './cli-error.js';
import { buildProgram } from './program.js';
import { createRuntime, type Runtime } from './runtime.js';
import { describeCoded } from './commands/shared.js';

/** `hangar image ls` for the command at hand, for "See '… --help'". */
function commandPath(command: Command | undefined): string {
  const names: string[] = [];
  for (let current = command; current; current = current.parent ?? undefined) names.unshift(current.name());
  return names.join(' ');
}

/** Commander configured for docker-like errors: our own message lines, no exit from inside. */
function configure(command: Command, rt: Runtime): void {
  command.exitOverride();
  command.allowExcessArguments(false);
  command.configureOutput({
    writeOut: (text) => rt.out(text),
    writeErr: (text) => rt.err(text),
    outputError: () => {},
  });
  for (const sub of command.commands) configure(sub, rt);
}

/** The error message as printed: `Error: CODE: message`. */
function errorLine(error: unknown): string {
  if (error instanceof HangarUserError) return error.userErrors.map((e) => describeCoded(e.code, e.message, e.host)).join('\nError: ');
  if (error instanceof HangarError) return describeCoded(error.code, error.message, error.host);
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Runs the CLI on `argv` (node, script, args…) and returns the exit code. */
export async function main(argv: readonly string[], io: Pick<Runtime, 'env' | 'stdin' | 'stdout' | 'stderr'> = process): Promise<number> {
  const rt = createRuntime(io);
  const program = buildProgram(rt);
  configure(program, rt);
  let active: Command | undefined;
  program.hook('preAction', (_root, command) => {
    active = command;
  });
  try {
    if (argv.length <= 2) {
      rt.out(program.helpInformation());
      return 0;
    }
    await program.parseAsync([...argv]);
    return rt.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return 0;
      // Usage mistakes: docker's exit status 125 for flags, 1 for arguments.
      const message = error.message.replace(/^error: /, '');
      const flagError = /option|flag/i.test(error.code) || /option/.test(message);
      const where = commandPath(findCommand(program, argv)) || 'hangar';
      rt.err(`Error: ${message}\nSee '${where} --help'.\n`);
      return flagError ? 125 : 1;
    }
    if (error instanceof UsageError) {
      rt.err(`Error: ${error.message}\nSee '${commandPath(active) || 'hangar'} --help'.\n`);
      return error.exitCode;
    }
    // The reader of our output went away (`hangar save | head`): nothing left to say.
    if ((error as NodeJS.ErrnoException | undefined)?.code === 'EPIPE') return 0;
    rt.err(`Error: ${errorLine(error)}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  } finally {
    await rt.closeClient();
  }
}

/** The deepest command the arguments name (for error hints when parsing failed before any action). */
function findCommand(program: Command, argv: readonly string[]): Command {
  let command = program;
  for (const arg of argv.slice(2)) {
    const next = command.commands.find((sub) => sub.name() === arg || sub.aliases().includes(arg));
    if (!next) break;
    command = next;
  }
  return command;
}
