/**
 * Where to send the browser after sign-in or sign-out (checklist G3; RFC 9700 §4.11.1: no open
 * redirects). Accepted: a relative path starting with exactly one `/` (not `//`, not `/\`), with no
 * backslash, control or whitespace anywhere; or an absolute http(s) URL whose origin is the gateway's
 * own or exactly one on the allow-list. Everything else becomes `/`.
 */
export function safeReturnUrl(
  value: string | null | undefined,
  ownOrigin: string,
  allowedOrigins: readonly string[],
): string {
  const fallback = '/';
  if (typeof value !== 'string' || value === '' || value.length > 2048) return fallback;
  // Browsers treat `\` as `/` and drop tabs and newlines inside URLs: `/\evil`, `/\t/evil`.
  if (/[\\\x00-\x20\x7f]/.test(value)) return fallback;
  if (value.startsWith('/')) {
    if (value.startsWith('//')) return fallback;
    // Resolved against our own origin it must stay there (belt and braces for the checks above).
    const resolved = new URL(value, ownOrigin);
    return resolved.origin === ownOrigin
      ? `${resolved.pathname}${resolved.search}${resolved.hash}`
      : fallback;
  }
  // `https:evil` or `javascript:…` have no `//`: URL.canParse would accept the first as https://evil/.
  if (!/^https?:\/\//i.test(value) || !URL.canParse(value)) return fallback;
  const url = new URL(value);
  if (url.username !== '' || url.password !== '') return fallback;
  return url.origin === ownOrigin || allowedOrigins.includes(url.origin) ? url.href : fallback;
}
