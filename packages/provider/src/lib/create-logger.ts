import { pino } from 'pino';
import type { LogLevel } from '../config/types.js';

/**
 * Paths pino censors wherever they appear in a log object (DESIGN rule 8): credentials in headers,
 * and any field named like a secret in request bodies or log objects.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'authorization',
  'cookie',
  'password',
  'secret',
  'client_secret',
  'code',
  'code_verifier',
  'refresh_token',
  'access_token',
  'id_token',
  '*.authorization',
  '*.cookie',
  '*.password',
  '*.secret',
  '*.client_secret',
  '*.code',
  '*.code_verifier',
  '*.refresh_token',
  '*.access_token',
  '*.id_token',
];

/**
 * The shapes of error codes a log line carries: Node's (`ECONNRESET`, `ERR_HTTP_REQUEST_TIMEOUT`), the
 * HTTP parser's (`HPE_HEADER_OVERFLOW`), Fastify's (`FST_ERR_BAD_URL`), SQLite's (`SQLITE_BUSY`),
 * PostgreSQL SQLSTATEs (`57P01`) and our own (`ERR_JWT_EXPIRED`, `ERR_DATABASE_UNAVAILABLE`).
 */
const ERROR_CODE = /^(?:E[A-Z]{2,15}|(?:ERR|FST|HPE|SQLITE)_[A-Z0-9_]{2,60}|[0-9A-Z]{5})$/;

/**
 * `*.code` must hide an OAuth authorization code (`{ query: { code } }`) but not an error's code, which
 * is what tells an operator a database outage from a client that hung up. pino does not say which key
 * a wildcard matched, so the value decides: an error code at a `code` key is kept, anything else is
 * censored (a password never is kept, whatever it looks like). A code we
 * issue is 43 base64url characters (256 random bits) and never has an error code's shape.
 */
export function censor(value: unknown, path: readonly (string | null)[]): unknown {
  const errorCode = path.at(-1) === 'code' && typeof value === 'string' && ERROR_CODE.test(value);
  return errorCode ? value : '[redacted]';
}

/** Bytes of log lines held before they are written out (sonic-boom's `minLength`). */
const LOG_BUFFER_BYTES = 4096;
/** The longest a line waits in that buffer, in milliseconds (sonic-boom's `periodicFlush`). */
const LOG_FLUSH_INTERVAL_MS = 100;

let standardOutput: pino.DestinationStream | undefined;

/**
 * Standard output, one buffered writer per process (issue 21). pino's default writes each line with
 * its own asynchronous `fs.write`, a thread-pool round trip every audit line paid (~14–20 µs of CPU a
 * line against ~8–10 buffered, docs/performance-notes.md › Round 4). Lines are gathered up to 4 KB and
 * written together, and none waits longer than 100 ms; pino flushes the buffer synchronously when the
 * process exits (also on an uncaught exception), so only a process killed outright (SIGKILL) loses
 * lines: those of its last ≤ 100 ms, where the default lost the writes still in flight. One writer, so
 * the process's lines are written in order, whole lines per write.
 */
function bufferedStandardOutput(): pino.DestinationStream {
  standardOutput ??= pino.destination({
    dest: 1,
    sync: false,
    minLength: LOG_BUFFER_BYTES,
    periodicFlush: LOG_FLUSH_INTERVAL_MS,
  });
  return standardOutput;
}

export function createLogger(level: LogLevel, destination?: pino.DestinationStream): pino.Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor } }, destination ?? bufferedStandardOutput());
}
