import assert from 'node:assert/strict';
import { encodeBase64url, isJoseError, type JoseErrorCode } from '@latchkey/oidc';

/** A compact JWS from raw parts: a header object (or raw JSON text), a payload, signature bytes. */
export function craftToken(
  header: Record<string, unknown> | string,
  payload: string = '{"sub":"alice"}',
  signature: Uint8Array = new Uint8Array(64),
): string {
  const headerJson = typeof header === 'string' ? header : JSON.stringify(header);
  return `${encodeBase64url(headerJson)}.${encodeBase64url(payload)}.${encodeBase64url(signature)}`;
}

/** Asserts that `action` throws (or rejects with) a JoseError with `code`. */
export async function assertJoseError(action: () => unknown, code: JoseErrorCode): Promise<void> {
  await assert.rejects(
    async () => action(),
    (error: unknown) => {
      assert.ok(isJoseError(error), `expected a JoseError, got ${String(error)}`);
      assert.equal(error.code, code, error.message);
      return true;
    },
  );
}
