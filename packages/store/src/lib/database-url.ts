/**
 * Reads a database URL into what the connector needs, and redacts it for messages.
 * Accepted forms: `postgres://…`, `postgresql://…`, `sqlite:PATH` and `sqlite::memory:`. Anything else
 * is refused, a bare word included: `DATABASE_URL=nonsense` once silently created a SQLite file named
 * `nonsense`, and an operator then edited a database no server used. Passwords never leave this module
 * in a message.
 */

export type DatabaseTarget =
  | { readonly dialect: 'postgres'; readonly connectionString: string }
  | { readonly dialect: 'sqlite'; readonly path: string; readonly inMemory: boolean };

const SCHEME = /^([a-z][a-z0-9+.-]+):/i;
const SQLITE_MEMORY = ':memory:';
const EXPECTED = 'postgres://…, postgresql://…, sqlite:PATH or sqlite::memory:';

/** Removes the password from a URL's user-info and from a `password` query parameter. */
export function redactDatabaseUrl(url: string): string {
  let redacted = url;
  const authorityStart = redacted.indexOf('://');
  if (authorityStart !== -1) {
    // The user-info ends at the last '@' before the path; a password may itself contain '/', '?' or '#'
    // when it was not percent-encoded, so look for the last '@' in the whole string.
    const at = redacted.lastIndexOf('@');
    const colon = redacted.indexOf(':', authorityStart + 3);
    if (at > authorityStart && colon !== -1 && colon < at) {
      redacted = redacted.slice(0, colon) + redacted.slice(at);
    }
  }
  return redacted.replace(/([?&]password=)[^&#]*/gi, '$1***');
}

/** Parses a database URL; throws an Error naming the (redacted) value when it is not one we accept. */
export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new Error(`Database URL is empty: expected ${EXPECTED}`);
  }
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return postgresTarget(url);
    case 'sqlite':
      return sqliteTarget(stripSlashes(url.slice(scheme.length + 1)), url);
    default:
      throw unsupported(url);
  }
}

function postgresTarget(url: string): DatabaseTarget {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw unsupported(url);
  }
  if (parsed.hostname === '' && !parsed.searchParams.has('host')) throw unsupported(url);
  return { dialect: 'postgres', connectionString: url };
}

/** `sqlite:///abs/path` means `/abs/path`; `sqlite://rel` means `rel`. */
function stripSlashes(path: string): string {
  return path.startsWith('//') ? path.slice(2) : path;
}

function sqliteTarget(path: string, original: string): DatabaseTarget {
  if (path === '' || path.includes('\0')) throw unsupported(original);
  const inMemory = path === SQLITE_MEMORY;
  return { dialect: 'sqlite', path, inMemory };
}

function unsupported(url: string): Error {
  return new Error(`Unsupported database URL "${redactDatabaseUrl(url)}": expected ${EXPECTED}`);
}
