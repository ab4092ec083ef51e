/**
 * Headers every response carries. This API serves JSON only, so the policy forbids everything:
 * `default-src 'none'` (nothing may load), `frame-ancestors 'none'` and X-Frame-Options for older
 * browsers (S5, RFC 6749 §10.13), no MIME sniffing, no Referer leakage (S7).
 */
export function securityHeaders(options: { readonly https: boolean }): Readonly<Record<string, string>> {
  return {
    'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
    'x-frame-options': 'DENY',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'cross-origin',
    // RFC 6797: only meaningful (and only honoured) over https.
    ...(options.https ? { 'strict-transport-security': 'max-age=63072000' } : {}),
  };
}
