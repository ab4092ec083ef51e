/**
 * Recognises a database that cannot answer right now (down, restarting, refusing connections, busy), as
 * opposed to a bug or a bad query. Such a request is answered `503` with `Retry-After` instead of `500`:
 * the pool reconnects by itself on the next query, so the same request succeeds once the database is back.
 */

/** PostgreSQL SQLSTATEs: class 08 (connection exception), 57P01–57P03 (shutting down, starting up), 53300 (too many connections). */
const PG_UNAVAILABLE_CLASS = '08';
const PG_UNAVAILABLE_CODES = new Set(['57P01', '57P02', '57P03', '53300']);
/** Socket errors from node:net while connecting to or talking with the server. */
const NET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
/** SQLite: another connection holds the write lock past the busy timeout. */
const SQLITE_CODES = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED']);
/** node-postgres raises these as plain Errors without a code. */
const PG_CLIENT_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'terminating connection due to administrator command',
];

/** How deep to follow `cause` and AggregateError members (a wrapped error is one or two levels down). */
const MAX_DEPTH = 4;

export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > MAX_DEPTH) return false;
  const { code, message, cause, errors } = error as {
    code?: unknown;
    message?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (code.length === 5 && (code.startsWith(PG_UNAVAILABLE_CLASS) || PG_UNAVAILABLE_CODES.has(code)))
      return true;
    if (NET_CODES.has(code) || SQLITE_CODES.has(code)) return true;
  }
  if (typeof message === 'string' && PG_CLIENT_MESSAGES.some((m) => message.startsWith(m))) return true;
  if (Array.isArray(errors) && errors.some((e) => isDatabaseUnavailable(e, depth + 1))) return true;
  return isDatabaseUnavailable(cause, depth + 1);
}

/** Seconds a client should wait before retrying after a 503 (RFC 9110 §10.2.3): a database restart takes a few. */
export const RETRY_AFTER_SECONDS = 5;

/**
 * A store call failed because the database could not answer. Only the store wrapper
 * (store/mark-outages.ts) makes one, so an outage is known by where the error came from: a client that
 * drops its connection mid-request raises the same `ECONNRESET` from the request stream, and that is
 * the client's doing, not an outage.
 */
export class DatabaseUnavailableError extends Error {
  override readonly name = 'DatabaseUnavailableError';
  readonly code = 'ERR_DATABASE_UNAVAILABLE';
  constructor(cause: unknown) {
    super('database unavailable', { cause });
  }
}

/** True when `error` is (or wraps, through `cause`) a store call that failed for want of a database. */
export function isStoreOutage(error: unknown, depth = 0): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (typeof error !== 'object' || error === null || depth >= MAX_DEPTH) return false;
  return isStoreOutage((error as { cause?: unknown }).cause, depth + 1);
}
