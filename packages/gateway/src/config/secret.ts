/** The cookie secret: base64 of 32+ bytes, or any text of 32+ bytes. */
const MIN_SECRET_BYTES = 32;

export function cookieSecretBytes(value: string): Buffer {
  return /^[A-Za-z0-9+/_-]{43,}={0,2}$/.test(value) ? Buffer.from(value, 'base64') : Buffer.from(value);
}

export function cookieSecretProblem(value: string): string | undefined {
  return cookieSecretBytes(value).length >= MIN_SECRET_BYTES
    ? undefined
    : `must be at least ${MIN_SECRET_BYTES} bytes (e.g. openssl rand -base64 32)`;
}
