/**
 * Reads a database URL into what the connector needs, and redacts it for messages.
 * Accepted forms: `postgres://…`, `postgresql://…`, `sqlite:PATH`, `sqlite::memory:`, `file:PATH`,
 * or a plain file path. Passwords never leave this module in a message.
 */

export type DatabaseTarget =
  | { readonly dialect: 'postgres'; readonly connectionString: string }
  | { readonly dialect: 'sqlite'; readonly path: string; readonly inMemory: boolean };

const SCHEME = /^([a-z][a-z0-9+.-]+):/i;
const SQLITE_MEMORY = ':memory:';

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
    throw new Error('Database URL is empty: expected postgres://…, sqlite:PATH, file:PATH or a file path');
  }
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  if (scheme === undefined) return sqliteTarget(url);
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return postgresTarget(url);
    case 'sqlite':
    case 'file':
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

/** `sqlite:///abs/path` and `file:///abs/path` mean `/abs/path`; `sqlite://rel` means `rel`. */
function stripSlashes(path: string): string {
  return path.startsWith('//') ? path.slice(2) : path;
}

function sqliteTarget(path: string, original = path): DatabaseTarget {
  if (path === '' || path.includes('\0')) throw unsupported(original);
  const inMemory = path === SQLITE_MEMORY;
  return { dialect: 'sqlite', path, inMemory };
}

function unsupported(url: string): Error {
  return new Error(
    `Unsupported database URL "${redactDatabaseUrl(url)}": expected postgres://…, postgresql://…, ` +
      'sqlite:PATH, sqlite::memory:, file:PATH or a file path',
  );
}
