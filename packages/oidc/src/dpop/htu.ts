/**
 * The `htu` of a DPoP proof compared with the request's URI, RFC 9449 §4.3 (check 9): without query
 * and fragment, after the syntax-based and scheme-based normalisation of RFC 3986 §6.2.2–6.2.3. The
 * WHATWG URL parser does exactly those steps (lower-case scheme and host, default port dropped,
 * dot segments removed, an empty path made `/`), so both sides go through it.
 */

/** The normalised form of an absolute http(s) URI, or undefined when it is not one. */
export function normaliseHtu(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 8192) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
  if (url.username !== '' || url.password !== '') return undefined;
  return `${url.origin}${url.pathname}`;
}
