import { JoseError, type JoseErrorCode } from '../jose/errors.js';
import { parseJsonObject } from '../jose/json.js';
import { parseDuration } from './duration.js';
import { readBoundedBody } from './read-bounded-body.js';

/**
 * The one outbound fetch of @latchkey/oidc (JWKS and discovery documents), bounded in time and
 * size (DESIGN rule 9, checklist K3):
 * - one timeout covers connecting, headers and body;
 * - the body is counted while it streams, and the read stops at `maxBytes` (a huge or endless
 *   response never sits in memory);
 * - redirects are refused, all of them: a redirect could lead to another host, and a provider's
 *   metadata and key URLs are published exactly. (`redirect: 'manual'`; any 3xx is a failure.)
 * Nothing from the response body goes into an error message.
 */
export interface FetchJsonOptions {
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Code for a body that is not a JSON object (ERR_JWKS_INVALID, ERR_DISCOVERY_INVALID). */
  readonly invalidCode: JoseErrorCode;
  /** What is fetched, for messages: `the JWKS`, `the discovery document`. */
  readonly what: string;
}

/** The bounds callers configure, as options (checked at once by `fetchLimits`). */
export interface FetchLimitOptions {
  /** Seconds or a duration string; default 5 s. */
  timeout?: number | string;
  /** Largest response body in bytes; default 256 KiB. */
  maxSize?: number;
}

export const DEFAULT_FETCH_TIMEOUT = 5;
export const DEFAULT_MAX_FETCH_SIZE = 256 * 1024;

/** Checks `timeout` / `maxSize` options (TypeError naming the option) and converts them. */
export function fetchLimits(options: FetchLimitOptions): { timeoutMs: number; maxBytes: number } {
  const timeout = parseDuration(options.timeout ?? DEFAULT_FETCH_TIMEOUT, 'timeout');
  if (timeout === 0) throw new TypeError('timeout must be more than zero');
  const maxSize = options.maxSize ?? DEFAULT_MAX_FETCH_SIZE;
  if (!Number.isSafeInteger(maxSize) || maxSize <= 0)
    throw new TypeError('maxSize must be a positive integer of bytes');
  return { timeoutMs: timeout * 1000, maxBytes: maxSize };
}

/** Checks a `fetch` option. */
export function fetchOption(value: typeof fetch | undefined): typeof fetch {
  if (value === undefined) return globalThis.fetch;
  if (typeof value !== 'function') throw new TypeError('fetch must be a function');
  return value;
}

export interface FetchedJson {
  readonly body: Record<string, unknown>;
  /** The `Cache-Control` response header, if any. */
  readonly cacheControl: string | null;
}

export async function fetchJson(url: URL, options: FetchJsonOptions): Promise<FetchedJson> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(new JoseError('ERR_JWKS_TIMEOUT', `fetching ${options.what} timed out`));
    }, options.timeoutMs);
  });
  const work = fetchAndRead(url, controller.signal, options);
  // If the timeout wins, the abandoned read must not surface as an unhandled rejection.
  work.catch(() => {});
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function fetchAndRead(url: URL, signal: AbortSignal, options: FetchJsonOptions): Promise<FetchedJson> {
  let response: Response;
  try {
    response = await options.fetch(url, {
      redirect: 'manual',
      signal,
      headers: { accept: 'application/json' },
    });
  } catch (cause) {
    throw failed(`fetching ${options.what} failed`, cause);
  }
  if (response.status >= 300 && response.status < 400) {
    await discard(response);
    throw failed(`fetching ${options.what} failed: redirects are not followed`);
  }
  if (!response.ok) {
    await discard(response);
    throw failed(`fetching ${options.what} failed with HTTP status ${response.status}`);
  }
  const bytes = await readBounded(response, options);
  const body = parseJsonObject(bytes, options.invalidCode, options.what);
  return { body, cacheControl: response.headers.get('cache-control') };
}

function readBounded(response: Response, options: FetchJsonOptions): Promise<Uint8Array> {
  return readBoundedBody(response, options.maxBytes, {
    tooLarge: () => failed(`${options.what} is larger than ${options.maxBytes} bytes`),
    readFailed: (cause) => failed(`reading ${options.what} failed`, cause),
  });
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => {});
}

function failed(message: string, cause?: unknown): JoseError {
  return new JoseError('ERR_JWKS_FETCH_FAILED', message, { cause });
}
