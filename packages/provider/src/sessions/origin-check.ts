import type { FastifyRequest } from 'fastify';

/**
 * The second CSRF defence of S4 (OWASP CSRF CS, "verifying origin with standard headers" and "Fetch
 * Metadata"): a form POST must come from the provider's own pages.
 * - `Sec-Fetch-Site`, when sent, must be `same-origin` (or `none`: typed by the user).
 * - `Origin`, when sent, must be the issuer's origin. Pages use `Referrer-Policy: no-referrer` (S7), under
 *   which browsers send `Origin: null` on POST (Fetch §3.1 "serializing a request origin"); `null` is
 *   therefore accepted only together with `Sec-Fetch-Site: same-origin`.
 * Requests with neither header (old browsers, scripts) rely on the CSRF token alone.
 */
export function isSameOriginPost(request: FastifyRequest, issuerOrigin: string): boolean {
  const site = header(request, 'sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
  const origin = header(request, 'origin');
  if (origin === undefined) return true;
  if (origin === 'null') return site === 'same-origin';
  return origin === issuerOrigin;
}

function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === 'string' ? value : undefined;
}
