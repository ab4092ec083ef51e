import type { OAuthError } from './oauth-error.js';

/** The slice of a logger an error answer is logged to. */
export interface ErrorLog {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

/**
 * How an error answer is logged, the same for every endpoint: a database outage is one `warn` line with
 * the driver's message and code and no stack (it is not a bug, and hundreds of requests may hit it in a
 * few seconds); any other 5xx is a bug, logged at `error` with its stack; a 4xx answered a bad request
 * and is logged at `info` with its code and debug detail (never its stack).
 */
export function logErrorAnswer(log: ErrorLog, thrown: unknown, wire: OAuthError): void {
  if (wire.status === 503) {
    const cause = (thrown as { cause?: unknown }).cause ?? thrown;
    const { message, code } = cause as { message?: unknown; code?: unknown };
    // Not under `err`: pino's error serializer would add an (empty) stack.
    log.warn({ database: { message, code } }, 'database unavailable');
  } else if (wire.status >= 500) log.error({ err: thrown }, 'request failed');
  else log.info({ error: wire.error, debug: wire.debug }, 'request rejected');
}
