/** A bad command line: the message names the bad value; the process exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  readonly exitCode = 2;
}

/** A failure while running a valid command (unreachable database, unknown client…): exit status 1. */
export class CommandError extends Error {
  override readonly name = 'CommandError';
  readonly exitCode = 1;
}
