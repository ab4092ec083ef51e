import { isLoopbackHost } from './parsers.js';

/** The default port when `port` is 0 and no port is known yet (the listener picks the real one). */
const PLACEHOLDER_PORT = 8080;

/** The issuer used when none is configured: plain http on localhost, at the port the provider listens on. */
export function developmentIssuer(port: number): string {
  return `http://localhost:${port === 0 ? PLACEHOLDER_PORT : port}`;
}

/**
 * A development issuer: plain http on a loopback host. Only such an issuer gets the landing page's
 * demo and the generated development secret; anything else is a deployment.
 */
export function isDevelopmentIssuer(issuer: string): boolean {
  const url = new URL(issuer);
  return url.protocol === 'http:' && isLoopbackHost(url.hostname);
}

/** The port a browser reaches the issuer on (the scheme's default when the URL names none). */
export function issuerPort(issuer: string): number {
  const url = new URL(issuer);
  if (url.port !== '') return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}
