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
 * - escaped controls (`%01`–`%1F`, `%7F`) are refused, and so is a segment of only dots and spaces
 *   other than `.`/`..` (`...`, `..%20`): an upstream that trims it would read a dot segment;
 * - the forwarded path keeps its case and its `;` parameters.
 * Upstreams read a path in more ways than one: Java servers drop `;` parameters before routing,
 * case-insensitive servers fold case, Spring and Windows servers trim spaces and trailing dots from
 * segments (CVE-2016-5007: `/admin%20` served as `/admin`). Every such reading is listed, and the
 * request must satisfy the route of every reading (RouteTable.candidates): folding and trimming only
 * ever make a match stricter, never open a less strict route (checklist G2).
 */
export type NormalizedPath =
  | {
      readonly ok: true;
      /** The path as forwarded upstream. */
      readonly path: string;
      /** The main reading: `;` parameters removed, case-folded unless routes are case-sensitive. */
      readonly matchPath: string;
      /** Every reading compared with route paths as configured (folded unless case-sensitive); `matchPath` first. */
      readonly matchPaths: readonly string[];
      /** Readings with their case kept, compared case-sensitively with routes as written (none when routes are case-sensitive). */
      readonly literalPaths: readonly string[];
      readonly query: string;
    }
  | { readonly ok: false; readonly problem: string };

const UNRESERVED = /[A-Za-z0-9\-._~]/;
// RFC 3986 §3.3 pchar plus `/`: unreserved, sub-delims, `:`, `@`, `%`.
const ALLOWED = /^[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/;
const REFUSED_ESCAPES: ReadonlySet<string> = new Set(['2F', '5C', '25']);
// A path that is already normal: segments of unreserved characters and sub-delims other than `;`, no
// `%`, no empty segment but a trailing one, no segment of dots only. Every step below would leave it
// as it is, so it skips them (the common case, on every request).
const ALREADY_NORMAL = /^(?:\/(?!\.+(?:\/|$))[A-Za-z0-9\-._~!$&'()*+,=:@]+)*\/?$/;
// A space as an escape (upper-case hex, as normalized): U+0020 and the Unicode White_Space characters
// above ASCII that .NET's Trim() also drops (U+0085, U+00A0, U+1680, U+2000–200A, U+2028/9, U+202F,
// U+205F, U+3000), in UTF-8. Controls are refused before this is used.
const SPACE = '(?:%20|%C2%85|%C2%A0|%E1%9A%80|%E2%80%(?:8[0-9A]|A8|A9|AF)|%E2%81%9F|%E3%80%80)';
// A segment (parameters removed) that trimming turns into dots: refused unless it is `.` or `..` itself.
const DOTS_AND_SPACES = new RegExp(`^${SPACE}*\\.+${SPACE}*$`);

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
      ...readingsOf(rawPath, rawPath, caseSensitive),
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
    const code = Number.parseInt(hex, 16);
    if (REFUSED_ESCAPES.has(hex) || code < 0x20 || code === 0x7f)
      return { ok: false, problem: 'the path has an encoded slash, backslash, control character or %' };
    const char = String.fromCharCode(code);
    decoded += UNRESERVED.test(char) ? char : `%${hex}`;
    i += 2;
  }
  const path = removeDotSegments(decoded.replace(/\/{2,}/g, '/'));
  const segments = path.split('/').map(withoutParameters);
  if (segments.some((s) => s !== '.' && s !== '..' && DOTS_AND_SPACES.test(s)))
    return { ok: false, problem: 'the path has a segment of only dots and spaces' };
  // A segment that was only parameters (`/;x/`) or dots revealed by stripping them is normalized again.
  const stripped = removeDotSegments(segments.join('/').replace(/\/{2,}/g, '/'));
  return { ok: true, path, ...readingsOf(path, stripped, caseSensitive), query };
}

/**
 * Every reading of a normalized path an upstream may make: as sent, without `;` parameters, with
 * spaces and trailing dots trimmed from each segment; case-folded unless routes are case-sensitive.
 */
function readingsOf(
  path: string,
  stripped: string,
  caseSensitive: boolean,
): { matchPath: string; matchPaths: string[]; literalPaths: string[] } {
  const literal = [stripped];
  if (path !== stripped) literal.push(path);
  for (const reading of literal.slice()) {
    const trimmed = trimSegments(reading);
    if (!literal.includes(trimmed)) literal.push(trimmed);
  }
  if (caseSensitive) return { matchPath: stripped, matchPaths: literal, literalPaths: [] };
  const folded: string[] = [];
  for (const reading of literal) {
    const lower = reading.toLowerCase();
    if (!folded.includes(lower)) folded.push(lower);
  }
  return { matchPath: folded[0]!, matchPaths: folded, literalPaths: literal };
}

function withoutParameters(segment: string): string {
  const semi = segment.indexOf(';');
  return semi === -1 ? segment : segment.slice(0, semi);
}

// Leading spaces and trailing spaces and dots, as String.trim() (Spring), .NET and Windows file names drop them.
const TRIMMED = new RegExp(`^${SPACE}+|(?:${SPACE}|\\.)+$`, 'g');

function trimSegments(path: string): string {
  if (!path.includes('%') && !/\.(?:\/|$)/.test(path)) return path;
  return path
    .split('/')
    .map((segment) => segment.replace(TRIMMED, ''))
    .join('/')
    .replace(/\/{2,}/g, '/');
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
