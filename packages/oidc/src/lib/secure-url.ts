// Loopback hosts, where plain http is tolerated for local development and tests.
const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(['localhost', '127.0.0.1', '[::1]']);

/** `https:`, or `http:` on a loopback host. Keys and metadata never travel over plain http otherwise. */
export function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname));
}

/** Parses an option that must be an https URL (http on loopback); TypeError naming it otherwise. */
export function secureUrlOption(value: unknown, name: string): URL {
  const url =
    value instanceof URL
      ? new URL(value.href)
      : typeof value === 'string' && URL.canParse(value)
        ? new URL(value)
        : undefined;
  if (url === undefined || !isSecureOrLoopback(url)) {
    throw new TypeError(`${name} must be an https URL (http only on a loopback host)`);
  }
  return url;
}
