/** A failure the CLI reports as `Error: …` on stderr, with docker's exit codes (1, or 125 for bad flags). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** Bad flags or arguments: the message is followed by a pointer to `--help`. */
export class UsageError extends CliError {
  constructor(
    message: string,
    readonly command: string,
    exitCode = 125,
  ) {
    super(message, exitCode);
  }
}
