/**
 * The request path, normalized exactly as the gateway forwards it, so the route that is matched
 * is the resource the upstream serves (checklist G2; oauth2-proxy GHSA-7rh7-c77v-6434):
 * - only origin-form targets (`/…`); the query is kept apart and never matched; `#` is refused;
 * - percent-encoded unreserved characters are decoded (RFC 3986 §6.2.2.2: `%2e` → `.`, `%41` → `A`)
 *   and the other escapes get upper-case hex (§6.2.2.1);
 * - escapes a server may decode into structure are refused: `%2F`, `%5C` (a slash), `%00`, `%25`
 *   (double encoding), and malformed `%` sequences; a raw `\`, controls, spaces and non-ASCII too;
 * - repeated slashes merge (`//` → `/`, as nginx `merge_slashes` does);
 * - dot segments are removed (§5.2.4); `..` above the root stays at the root;
 * - `;` parameters: the forwarded path keeps them, but routes match the path without them
 *   (`/admin;x=1` is matched as `/admin`), as Java servers strip them before routing.
 * `matchPath` is also case-folded unless routes are case-sensitive: a case-insensitive upstream
 * then cannot be reached around a route by changing case.
 */
export type NormalizedPath =
  | { readonly ok: true; readonly path: string; readonly matchPath: string; readonly query: string }
  | { readonly ok: false; readonly problem: string };

const UNRESERVED = /[A-Za-z0-9\-._~]/;
// RFC 3986 §3.3 pchar plus `/`: unreserved, sub-delims, `:`, `@`, `%`.
const ALLOWED = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const REFUSED_ESCAPES: ReadonlySet<string> = new Set(['2F', '5C', '00', '25']);
// A path that is already normal: segments of unreserved characters and sub-delims other than `;`, no
// `%`, no empty segment but a trailing one, no `.` or `..` segment. Every step below would leave it as
// it is, so it skips them (the common case, on every request).
const ALREADY_NORMAL = /^(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-._~!$&'()*+,=:@]+)*\/?$/;

export function normalizePath(target: string, caseSensitive = false): NormalizedPath {
  if (target.charCodeAt(0) !== 0x2f) return { ok: false, problem: 'the request target must be a path' };
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  if (ALREADY_NORMAL.test(rawPath)) {
    // `#` may still hide in the query.
    if (q !== -1 && target.includes('#', q))
      return { ok: false, problem: 'the request target must not contain #' };
    return {
      ok: true,
      path: rawPath,
      matchPath: caseSensitive ? rawPath : rawPath.toLowerCase(),
      query: q === -1 ? '' : target.slice(q),
    };
  }
  return normalizeSlowly(target, caseSensitive);
}

/** Every step, for a path that is not already normal (exported for the test that compares both paths). */
export function normalizeSlowly(target: string, caseSensitive = false): NormalizedPath {
  if (!target.startsWith('/')) return { ok: false, problem: 'the request target must be a path' };
  if (target.includes('#')) return { ok: false, problem: 'the request target must not contain #' };
  const q = target.indexOf('?');
  const rawPath = q === -1 ? target : target.slice(0, q);
  const query = q === -1 ? '' : target.slice(q);
  if (!ALLOWED.test(rawPath))
    return { ok: false, problem: 'the path contains characters that must be escaped' };

  let decoded = '';
  for (let i = 0; i < rawPath.length; i++) {
    const c = rawPath[i]!;
    if (c !== '%') {
      decoded += c;
      continue;
    }
    const hex = rawPath.slice(i + 1, i + 3).toUpperCase();
    if (!/^[0-9A-F]{2}$/.test(hex)) return { ok: false, problem: 'the path has a malformed percent-escape' };
    if (REFUSED_ESCAPES.has(hex))
      return { ok: false, problem: 'the path has an encoded slash, backslash, NUL or %' };
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    decoded += UNRESERVED.test(char) ? char : `%${hex}`;
    i += 2;
  }
  const path = removeDotSegments(decoded.replace(/\/{2,}/g, '/'));
  const withoutParams = path
    .split('/')
    .map((segment) => {
      const semi = segment.indexOf(';');
      return semi === -1 ? segment : segment.slice(0, semi);
    })
    .join('/');
  // A segment that was only parameters (`/;x/`) or dots revealed by stripping them is normalized again.
  const matchPath = removeDotSegments(withoutParams.replace(/\/{2,}/g, '/'));
  return { ok: true, path, matchPath: caseSensitive ? matchPath : matchPath.toLowerCase(), query };
}

/** RFC 3986 §5.2.4 on an absolute path. */
function removeDotSegments(path: string): string {
  const output: string[] = [];
  const segments = path.split('/').slice(1);
  for (const [index, segment] of segments.entries()) {
    const last = index === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..') output.pop();
      if (last) output.push('');
      continue;
    }
    output.push(segment);
  }
  return `/${output.join('/')}`;
}
