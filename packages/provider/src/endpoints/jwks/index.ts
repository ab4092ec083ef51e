import type { FastifyInstance } from 'fastify';
import type { SerializedDocument } from '../../keys/published-key-set.js';
import { serveDocument } from '../../lib/conditional-get.js';
import { ENDPOINT_PATHS, issuerBasePath } from '../paths.js';

export interface JwksDeps {
  readonly issuer: string;
  /** The key manager's current JWKS: serialized and K4-checked once per key-set change. */
  readonly jwks: () => SerializedDocument;
  /** keys.jwksMaxAge: the pre-publication delay of the rotation schedule is tied to it (K5). */
  readonly maxAge: number;
}

/** GET /jwks (RFC 7517 §5), advertised as jwks_uri. */
export function registerJwks(app: FastifyInstance, deps: JwksDeps): void {
  const headers = {
    contentType: 'application/jwk-set+json; charset=utf-8',
    cacheControl: `public, max-age=${deps.maxAge}`,
  };
  serveDocument(app, issuerBasePath(deps.issuer) + ENDPOINT_PATHS.jwks, deps.jwks, headers);
}
