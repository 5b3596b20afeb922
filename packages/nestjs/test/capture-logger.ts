import type { LoggerService } from '@nestjs/common';

/** A Nest logger that keeps what is logged at error level, and drops the rest. */
export class CaptureLogger implements LoggerService {
  readonly errors: unknown[][] = [];

  error(...args: unknown[]): void {
    this.errors.push(args);
  }
  log(): void {}
  warn(): void {}
  debug(): void {}
  verbose(): void {}
  fatal(): void {}

  /** The errors logged with their first argument an Error (the way Nest logs an exception). */
  loggedErrors(): Error[] {
    return this.errors.map(([first]) => first).filter((first): first is Error => first instanceof Error);
  }
}
