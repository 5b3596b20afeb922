/**
 * Where a command writes, and the error that means "the user asked for something impossible"
 * (exit code 2), as opposed to a check that ran and failed (exit code 1).
 */
export interface CommandIo {
  out(text: string): void;
  err(text: string): void;
}

/** A command as the dispatcher sees it: parsed by itself, answering an exit code. */
export interface Command {
  /** One line for `sendoff --help`. */
  summary: string;
  run(args: string[], io: CommandIo): Promise<number>;
}

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_USAGE = 2;

/** A usage or configuration error: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const processIo: CommandIo = {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
};
