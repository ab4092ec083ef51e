import type { KeyObject } from 'node:crypto';
import {
  exportJwk,
  generateKeyPair,
  importKeyObject,
  type JoseKey,
  type Jwk,
  randomToken,
  signJwt,
} from '@latchkey/oidc';
import type { Identity } from '../auth/identity.js';

export interface UpstreamJwtOptions {
  /** `iss` of every token: the gateway's public origin. */
  readonly issuer: string;
  /** Seconds each token is valid. */
  readonly lifetime: number;
  /** A configured ES256 private key; a fresh key pair is generated at start without one. */
  readonly key: KeyObject | undefined;
  /** The clock, epoch milliseconds. */
  readonly now: () => number;
}

// Identities signed for, remembered up to a bound so that many distinct users cannot grow the cache.
const MAX_CACHED = 10_000;

/**
 * Signs the short-lived JWTs the gateway sends upstreams that ask for one (`upstreams[].token: jwt`):
 * ES256, `typ: JWT`, iss = the gateway, aud = the upstream's audience, sub and the forwarded identity
 * claims, iat/exp and a jti (RFC 7519 §4.1). A token is reused for the same identity and audience until
 * a quarter of its lifetime is left, so the hot path does not sign per request. The public half is
 * published at `<endpointPrefix>/jwks` for the upstream to verify against.
 */
export class UpstreamJwtSigner {
  readonly #options: UpstreamJwtOptions;
  readonly #ready: Promise<{ readonly key: JoseKey; readonly jwks: { readonly keys: readonly Jwk[] } }>;
  #key: JoseKey | undefined;
  readonly #cache = new Map<string, { readonly token: string; readonly renewAt: number }>();

  constructor(options: UpstreamJwtOptions) {
    this.#options = options;
    this.#ready = (async () => {
      const pair =
        options.key === undefined
          ? await generateKeyPair('ES256')
          : { privateKey: importKeyObject(options.key, 'ES256'), publicKey: undefined };
      const publicJwk = exportJwk(pair.publicKey ?? pair.privateKey);
      this.#key = pair.privateKey;
      return { key: pair.privateKey, jwks: { keys: [{ ...publicJwk, use: 'sig' }] } };
    })();
    // A key problem surfaces on first use (tokenFor / jwks); never as an unhandled rejection.
    this.#ready.catch(() => {});
  }

  /** The public key set (RFC 7517 §5). */
  async jwks(): Promise<{ readonly keys: readonly Jwk[] }> {
    return (await this.#ready).jwks;
  }

  /** A JWT for this identity and audience: the cached one while it has over a quarter of its life left. */
  tokenFor(identity: Identity, audience: string): string | Promise<string> {
    const key = this.#key;
    if (key === undefined) return this.#ready.then(() => this.tokenFor(identity, audience) as string);
    const claims = identityClaims(identity);
    const cacheKey = JSON.stringify([audience, identity.provider, claims]);
    const nowMs = this.#options.now();
    const cached = this.#cache.get(cacheKey);
    if (cached !== undefined && nowMs < cached.renewAt) return cached.token;
    const iat = Math.floor(nowMs / 1000);
    const { lifetime } = this.#options;
    const token = signJwt(
      { iss: this.#options.issuer, aud: audience, ...claims, iat, exp: iat + lifetime, jti: randomToken() },
      key,
      { typ: 'JWT' },
    );
    this.#cache.delete(cacheKey);
    if (this.#cache.size >= MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(cacheKey, { token, renewAt: (iat + (lifetime * 3) / 4) * 1000 });
    return token;
  }
}

/** The claims the upstream learns: the same facts as the identity headers, and the subject. */
function identityClaims(identity: Identity): Record<string, unknown> {
  const claims: Record<string, unknown> = { sub: identity.subject, preferred_username: identity.user };
  if (identity.email !== undefined) claims['email'] = identity.email;
  if (identity.groups.length > 0) claims['groups'] = identity.groups;
  return claims;
}
