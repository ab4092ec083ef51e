/**
 * Cookie reading and writing (RFC 6265bis), just what the provider's two cookies need. Values are
 * base64url, so no quoting or encoding is ever required.
 */
export interface CookieOptions {
  /** https issuer: `Secure` and the `__Host-` prefix (checklist S6, RFC 6265bis §4.1.3.2). */
  readonly secure: boolean;
  /** Seconds; undefined makes a browser-session cookie. */
  readonly maxAge?: number;
}

/** `__Host-<name>` over https (Secure, Path=/, no Domain), plain `<name>` on an http localhost issuer. */
export function cookieName(base: string, secure: boolean): string {
  return secure ? `__Host-${base}` : base;
}

/** The value of one cookie from a Cookie header; undefined if absent or sent twice (ambiguous). */
export function readCookie(
  header: string | undefined,
  name: string,
  /** Longer values are refused; a sealed cookie (the upstream round trip) needs more than an id. */
  maxLength = 512,
): string | undefined {
  if (header === undefined) return undefined;
  let found: string | undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq === -1 || part.slice(0, eq).trim() !== name) continue;
    if (found !== undefined) return undefined;
    found = part.slice(eq + 1).trim();
  }
  return found !== undefined && found.length <= maxLength && /^[A-Za-z0-9_-]+$/.test(found)
    ? found
    : undefined;
}

/** HttpOnly (no script reads it), SameSite=Lax (sent on top-level navigations back from clients), Path=/. */
export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (options.secure) parts.push('Secure');
  if (options.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAge))}`);
  return parts.join('; ');
}

/** Appends a Set-Cookie header without replacing others already set on the reply. */
export function appendSetCookie(
  reply: { getHeader(name: string): unknown; header(name: string, value: unknown): unknown },
  cookie: string,
): void {
  const existing = reply.getHeader('set-cookie');
  const list = existing === undefined ? [] : Array.isArray(existing) ? existing : [String(existing)];
  reply.header('set-cookie', [...list, cookie]);
}
