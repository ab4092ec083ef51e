import {
  type BearerAuthenticator,
  type BearerFailure,
  bearerChallenge,
  createBearerAuthenticator,
  createVerifier,
  type DpopReplayCache,
  JoseError,
  type JwtClaims,
  MemoryReplayCache,
  unverifiedIssuer,
  type Verifier,
} from '@latchkey/oidc';
import type { ProviderConfig, RouteConfig } from '../config/types.js';

export interface BearerDeps {
  readonly fetch?: typeof fetch | undefined;
  readonly now?: (() => number) | undefined;
  /** Where DPoP proof `jti`s are remembered (RFC 9449 §11.1). Default: this process only. */
  readonly replayCache?: DpopReplayCache | undefined;
}

/**
 * API mode: `Authorization: Bearer` access tokens verified offline (RFC 9068): the issuer of one of the
 * route's providers (picked by the token's unverified `iss`, then verified exactly), the route's
 * audience, `typ: at+jwt` (J21: an ID token is never an access token), signature from the issuer's
 * discovered JWKS (K6). Failures come from @latchkey/oidc's Bearer core: 400/401 with a
 * `WWW-Authenticate` challenge carrying `resource_metadata` (RFC 9728 §5.1), 503 on a key-set outage.
 */
export class BearerChecks {
  readonly #providers: ReadonlyMap<string, ProviderConfig>;
  readonly #verifiers = new Map<string, Verifier>();
  readonly #authenticators = new Map<RouteConfig, BearerAuthenticator<JwtClaims>>();
  readonly #deps: BearerDeps;
  /**
   * DPoP proof `jti`s (RFC 9449 §11.1): the gateway's database (server.ts passes the session store's),
   * so a proof replayed to another instance behind one load balancer is refused there too; an
   * in-process cache when embedded without one.
   */
  readonly #replayCache: DpopReplayCache;

  constructor(providers: readonly ProviderConfig[], deps: BearerDeps) {
    this.#providers = new Map(providers.map((p) => [p.id, p]));
    this.#deps = deps;
    this.#replayCache = deps.replayCache ?? new MemoryReplayCache();
  }

  /** The authenticator for a route (built once per route). */
  for(route: RouteConfig, resourceMetadata: string): BearerAuthenticator<JwtClaims> {
    let authenticator = this.#authenticators.get(route);
    if (authenticator === undefined) {
      const verifiers = route.providers.map((id) => this.#verifier(this.#providers.get(id)!, route.audience));
      authenticator = createBearerAuthenticator<JwtClaims>({
        verifier: { verify: (token) => verifyWithIssuer(token, verifiers) },
        resourceMetadata,
        // RFC 9449 §7: DPoP-bound tokens with their proofs; the proof names the route's public origin.
        dpop: {
          replayCache: this.#replayCache,
          origin: new URL(route.resource).origin,
          ...(this.#deps.now === undefined ? {} : { now: this.#deps.now }),
        },
        // RFC 9470: a route's step-up requirement answers `insufficient_user_authentication`.
        ...(route.userAuthentication?.acrValues === undefined
          ? {}
          : { requireAcr: route.userAuthentication.acrValues }),
        ...(route.userAuthentication?.maxAge === undefined
          ? {}
          : { maxAge: route.userAuthentication.maxAge }),
      });
      this.#authenticators.set(route, authenticator);
    }
    return authenticator;
  }

  /** The provider a verified token came from. */
  providerOf(claims: JwtClaims, route: RouteConfig): ProviderConfig {
    const provider = route.providers
      .map((id) => this.#providers.get(id)!)
      .find((p) => p.issuer === claims.iss);
    return provider!;
  }

  #verifier(provider: ProviderConfig, audience: string): { issuer: string; verifier: Verifier } {
    const key = `${provider.id}\n${audience}`;
    let verifier = this.#verifiers.get(key);
    if (verifier === undefined) {
      verifier = createVerifier({
        issuer: provider.issuer,
        audience,
        typ: 'at+jwt',
        // A busy client's repeated token costs one signature check, not one per request; `exp` is
        // checked on every use, and a key withdrawn from the JWKS ends its tokens at once.
        cache: { maxEntries: VERIFIED_TOKENS_CACHED },
        ...(this.#deps.fetch === undefined ? {} : { fetch: this.#deps.fetch }),
        ...(this.#deps.now === undefined ? {} : { now: this.#deps.now }),
      });
      this.#verifiers.set(key, verifier);
    }
    return { issuer: provider.issuer, verifier };
  }
}

/** Distinct tokens each issuer's verifier remembers once verified (oldest forgotten first). */
const VERIFIED_TOKENS_CACHED = 10_000;

async function verifyWithIssuer(
  token: string,
  verifiers: readonly { issuer: string; verifier: Verifier }[],
): Promise<JwtClaims> {
  // Only selects which issuer's keys to try; the verifier then checks `iss` exactly on the authentic token.
  let match = verifiers[0];
  if (verifiers.length > 1) {
    const issuer = unverifiedIssuer(token);
    match = verifiers.find((v) => v.issuer === issuer);
  }
  if (match === undefined) {
    throw new JoseError('ERR_JWT_CLAIM_INVALID', 'the token issuer is not accepted here', {
      claim: 'iss',
      reason: 'untrusted',
    });
  }
  return match.verifier.verify(token);
}

/** 401 with a bare challenge (no token sent): RFC 6750 §3.1, pointing at the metadata (RFC 9728 §5.1). */
export function missingTokenFailure(resourceMetadata: string | undefined): BearerFailure {
  return {
    ok: false,
    status: 401,
    headers: {
      'www-authenticate': bearerChallenge({ resourceMetadata }),
      'cache-control': 'no-store',
      'content-type': 'application/json',
    },
    body: {},
  };
}

/** 403 `insufficient_scope`, naming the scopes the route needs when scopes are what is missing (RFC 6750 §3.1). */
export function forbiddenFailure(
  scopes: readonly string[],
  resourceMetadata: string | undefined,
): BearerFailure {
  const description = 'the access token does not grant access to this resource';
  return {
    ok: false,
    status: 403,
    headers: {
      'www-authenticate': bearerChallenge({
        error: 'insufficient_scope',
        errorDescription: description,
        scope: scopes,
        resourceMetadata,
      }),
      'cache-control': 'no-store',
      'content-type': 'application/json',
    },
    body: { error: 'insufficient_scope', error_description: description },
  };
}
