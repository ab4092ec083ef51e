/**
 * Media type comparison for the `typ` and `cty` header parameters.
 * RFC 7515 §4.1.9: media types compare case-insensitively, and a value without a `/` is read as if
 * `application/` were prepended (`at+jwt` ≡ `application/at+jwt`). RFC 8725 §3.11 relies on this.
 */
export function normalizeMediaType(value: string): string {
  const lower = value.toLowerCase();
  return lower.includes('/') ? lower : `application/${lower}`;
}

/** `typ` of a plain JWT (RFC 7519 §5.1), the only explicit `typ` an ID token may carry. */
export const JWT_MEDIA_TYPE = 'application/jwt';
