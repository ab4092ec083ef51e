import { createHash } from 'node:crypto';
import type { Jwk } from '@latchkey/oidc';
import type { SigningKeyRecord, SigningKeyState } from '../store/types.js';
import { assertPublishableJwks } from './publishable-jwks.js';

/** A serialized document and its strong validator (RFC 9110 §8.8.3), computed once per change. */
export interface SerializedDocument {
  readonly body: string;
  /**
   * The body's UTF-8 bytes, what the endpoints send: a string body is joined to the response head and
   * encoded again on every response (a copy of the whole document per request, in the young generation).
   */
  readonly bytes: Buffer;
  readonly etag: string;
}

export function serializeDocument(document: unknown): SerializedDocument {
  const body = JSON.stringify(document);
  return {
    body,
    bytes: Buffer.from(body, 'utf8'),
    etag: `"${createHash('sha256').update(body).digest('base64url')}"`,
  };
}

/** Current keys first: a verifier that ignores `kid` tries them first. */
const PUBLISHED_ORDER: readonly SigningKeyState[] = ['current', 'next', 'retired'];

/**
 * The JWKS of a key set: `next`, `current` and `retired` keys, public members only, checked by the
 * K4 guard before it can be served.
 */
export function buildJwks(records: readonly SigningKeyRecord[]): SerializedDocument {
  const keys: Jwk[] = [];
  for (const state of PUBLISHED_ORDER) {
    for (const record of records) {
      if (record.state !== state) continue;
      keys.push({ ...record.publicJwk, kid: record.kid, alg: record.alg, use: 'sig' });
    }
  }
  const jwks = { keys };
  assertPublishableJwks(jwks);
  return serializeDocument(jwks);
}
