/**
 * Cookie reading and writing (RFC 6265bis). Our cookies: Path=/, HttpOnly, SameSite=Lax, and Secure
 * with the `__Host-` prefix when the gateway is served over https (checklist S6; §4.1.3.2: `__Host-`
 * requires Secure, Path=/ and no Domain, so no sibling subdomain can set or shadow it).
 */
export interface CookieOptions {
  readonly secure: boolean;
  /** Seconds; 0 deletes the cookie; undefined makes a browser-session cookie. */
  readonly maxAge?: number | undefined;
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (options.secure) parts.push('Secure');
  if (options.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAge))}`);
  return parts.join('; ');
}

/** Every value of cookie `name` in a Cookie header, in order (a sibling domain may add a second one). */
export function readCookies(header: string | undefined, name: string): string[] {
  if (header === undefined) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    if (pair.slice(0, eq).trim() === name) values.push(pair.slice(eq + 1).trim());
  }
  return values;
}

/** The Cookie header without the named cookies (the gateway's own and providers' never reach the upstream). */
export function withoutCookies(header: string, names: ReadonlySet<string>): string {
  return header
    .split(';')
    .filter((pair) => {
      const eq = pair.indexOf('=');
      return !names.has((eq === -1 ? pair : pair.slice(0, eq)).trim());
    })
    .map((pair) => pair.trim())
    .join('; ');
}
