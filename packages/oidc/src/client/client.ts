import { ASYMMETRIC_ALGORITHMS, type JwsAlgorithm } from '../jose/algorithms.js';
import type { JwtClaims } from '../jwt/claims.js';
import { JwtVerifier } from '../jwt/verify.js';
import { checkIssuerUrl, fetchDiscovery, type ProviderMetadata } from '../keys/discovery.js';
import { RemoteKeySet } from '../keys/remote.js';
import { checkAlgorithmsOption } from '../lib/algorithms-option.js';
import { type FetchLimitOptions, fetchLimits, fetchOption } from '../lib/fetch-json.js';
import { isSecureOrLoopback, secureUrlOption } from '../lib/secure-url.js';
import { checkAuthorizationResponse } from './callback.js';
import { type DpopKeyPair, DpopProver } from './dpop.js';
import { OidcClientError } from './errors.js';
import { checkIdTokenBindings } from './id-token.js';
import { checkLogoutTokenClaims, type LogoutTokenClaims } from './logout-token.js';
import { defaultRandomBytes, pkceChallenge, type RandomBytes, randomToken } from './random.js';
import { postTokenRequest } from './token-request.js';

export interface OidcClientOptions extends FetchLimitOptions {
  /** The provider's issuer identifier; endpoints come from its discovery document (K6). */
  issuer: string;
  clientId: string;
  /** Sent with `client_secret_basic`. Without it the client is public and sends `client_id` (PKCE protects the code). */
  clientSecret?: string;
  /** This client's registered redirect URI (https, or http on loopback). */
  redirectUri: string;
  /** Scopes to ask for; `openid` is always included. Default `['openid']`. */
  scopes?: readonly string[];
  /** Algorithms accepted for ID and logout tokens. Default: every asymmetric algorithm. */
  algorithms?: readonly JwsAlgorithm[];
  /** Leeway for exp/iat/nbf (seconds or `'30s'`). */
  clockTolerance?: number | string;
  fetch?: typeof fetch;
  /** The clock, epoch milliseconds. */
  now?: () => number;
  randomBytes?: RandomBytes;
  /** Ask for DPoP-bound tokens (RFC 9449 §5) with this key pair; `dpopProver` then makes proofs for APIs. */
  dpop?: DpopKeyPair;
}

/** What to keep (server-side, bound to this browser) between the redirect and the callback. */
export interface PendingAuthorization {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

export interface AuthorizationStart extends PendingAuthorization {
  /** Where to send the browser. */
  readonly url: string;
}

export interface StartAuthorizationOptions {
  /** Extra authorization request parameters (`prompt`, `login_hint`, `resource`, …); never the ones the client sets. */
  readonly params?: Readonly<Record<string, string>>;
}

export interface IdTokenClaims extends JwtClaims {
  readonly iss: string;
  readonly sub: string;
  readonly iat: number;
  readonly exp: number;
}

export interface TokenSet {
  readonly accessToken: string;
  /** Epoch seconds, from `expires_in`; undefined when the provider did not say. */
  readonly expiresAt: number | undefined;
  readonly refreshToken: string | undefined;
  readonly idToken: string | undefined;
  /** The verified ID token's claims, when an ID token came with the response. */
  readonly claims: IdTokenClaims | undefined;
  readonly scope: string | undefined;
  /** `DPoP` when the client has a DPoP key (the token is bound to it), else `Bearer`. */
  readonly tokenType?: 'Bearer' | 'DPoP';
}

export interface LoginTokenSet extends TokenSet {
  readonly idToken: string;
  readonly claims: IdTokenClaims;
}

export interface EndSessionOptions {
  readonly idTokenHint?: string | undefined;
  readonly postLogoutRedirectUri?: string | undefined;
  readonly state?: string | undefined;
}

export interface OidcClient {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  /** The provider's discovery document (fetched once; a failure is retried on the next call). */
  metadata(): Promise<ProviderMetadata>;
  /** A new authorization request: code flow, PKCE S256, fresh state and nonce (RFC 9700 §2.1.1, §4.7). */
  startAuthorization(options?: StartAuthorizationOptions): Promise<AuthorizationStart>;
  /** Checks the callback (state, RFC 9207 iss), exchanges the code, validates the ID token (nonce, hashes). */
  handleCallback(params: URLSearchParams, pending: PendingAuthorization): Promise<LoginTokenSet>;
  /** Uses a refresh token (RFC 6749 §6); a new ID token must name the same `iss` and `sub` (OIDC Core §12.2). */
  refresh(refreshToken: string, subject?: string): Promise<TokenSet>;
  /** The RP-initiated logout URL (OIDC RP-Initiated Logout §2), or undefined when the provider has none. */
  endSessionUrl(options?: EndSessionOptions): Promise<string | undefined>;
  /** Verifies a back-channel logout token (OIDC Back-Channel Logout §2.6). */
  verifyLogoutToken(token: string): Promise<LogoutTokenClaims>;
  /** Makes the DPoP proofs for calls with a DPoP-bound access token; undefined without `dpop`. */
  readonly dpopProver: DpopProver | undefined;
}

const MAX_TOKEN_RESPONSE = 64 * 1024;
// OIDC Back-Channel Logout §2.6 step 5 leaves the iat window to the RP; a logout token is sent at once.
const LOGOUT_TOKEN_MAX_AGE = '5m';
// Parameters the client sets itself; an extra parameter may not override one (RFC 9700 §2.1.1).
const RESERVED_PARAMS: ReadonlySet<string> = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'nonce',
  'code_challenge',
  'code_challenge_method',
]);

/** A relying-party client for one provider (options checked now, with TypeErrors). */
export function createOidcClient(options: OidcClientOptions): OidcClient {
  if (options === null || typeof options !== 'object') throw new TypeError('options must be an object');
  const { issuer, clientId, clientSecret } = options;
  checkIssuerUrl(issuer);
  if (typeof clientId !== 'string' || clientId === '')
    throw new TypeError('clientId must be a non-empty string');
  if (clientSecret !== undefined && (typeof clientSecret !== 'string' || clientSecret === '')) {
    throw new TypeError('clientSecret must be a non-empty string');
  }
  const redirectUri = secureUrlOption(options.redirectUri, 'redirectUri').href;
  const scopes = [...new Set(['openid', ...(options.scopes ?? [])])];
  if (scopes.some((s) => typeof s !== 'string' || !/^[\x21\x23-\x5b\x5d-\x7e]+$/.test(s))) {
    throw new TypeError('scopes must be scope names (RFC 6749 §3.3)');
  }
  const algorithms =
    options.algorithms === undefined ? ASYMMETRIC_ALGORITHMS : checkAlgorithmsOption(options.algorithms);
  const fetchFn = fetchOption(options.fetch);
  const limits = fetchLimits(options);
  const random = options.randomBytes ?? defaultRandomBytes;
  const now = options.now ?? Date.now;
  const dpopProver =
    options.dpop === undefined ? undefined : new DpopProver(options.dpop, { now, randomBytes: random });
  const shared = {
    issuer,
    audience: clientId,
    algorithms,
    now,
    ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
  };
  // OIDC Core §3.1.3.7: iss, aud (every element trusted), azp, exp, iat; `sub` is required (§2).
  const idTokens = new JwtVerifier<IdTokenClaims>({
    ...shared,
    idToken: true,
    authorizedParty: clientId,
    requiredClaims: ['iat', 'sub'],
  });
  // OIDC Back-Channel Logout §2.6 and RFC 8725 §3.12: an explicit `typ`, never accepted as an ID token.
  const logoutTokens = new JwtVerifier({
    ...shared,
    typ: 'logout+jwt',
    requiredClaims: ['iat', 'jti'],
    maxTokenAge: LOGOUT_TOKEN_MAX_AGE,
  });

  let metadataPromise: Promise<ProviderMetadata> | undefined;
  const metadata = (): Promise<ProviderMetadata> => {
    metadataPromise ??= fetchDiscovery(issuer, { fetch: fetchFn, ...discoveryLimits(options) })
      .then(checkMetadata)
      .catch((error: unknown) => {
        metadataPromise = undefined;
        throw error;
      });
    return metadataPromise;
  };
  const keySet = new RemoteKeySet(async () => (await metadata()).jwks_uri, {
    fetch: fetchFn,
    now,
    algorithms,
    ...discoveryLimits(options),
  });
  const tokenRequest = async (params: Record<string, string>) =>
    postTokenRequest((await metadata()).token_endpoint as string, params, {
      fetch: fetchFn,
      timeoutMs: limits.timeoutMs,
      maxBytes: Math.max(limits.maxBytes, MAX_TOKEN_RESPONSE),
      clientId,
      clientSecret,
      dpop: dpopProver,
    });
  const nowSeconds = () => Math.floor(now() / 1000);

  return {
    issuer,
    clientId,
    redirectUri,
    metadata,
    dpopProver,

    async startAuthorization(start = {}) {
      const endpoint = new URL((await metadata()).authorization_endpoint as string);
      const state = randomToken(random);
      const nonce = randomToken(random);
      const codeVerifier = randomToken(random);
      for (const [name, value] of Object.entries(start.params ?? {})) {
        if (RESERVED_PARAMS.has(name)) throw new TypeError(`params must not set ${name}`);
        endpoint.searchParams.set(name, value);
      }
      endpoint.searchParams.set('response_type', 'code');
      endpoint.searchParams.set('client_id', clientId);
      endpoint.searchParams.set('redirect_uri', redirectUri);
      endpoint.searchParams.set('scope', scopes.join(' '));
      endpoint.searchParams.set('state', state);
      endpoint.searchParams.set('nonce', nonce);
      // RFC 7636 §4.3; S256 only (RFC 9700 §2.1.1).
      endpoint.searchParams.set('code_challenge', pkceChallenge(codeVerifier));
      endpoint.searchParams.set('code_challenge_method', 'S256');
      return { url: endpoint.href, state, nonce, codeVerifier };
    },

    async handleCallback(params, pending) {
      const meta = await metadata();
      const code = checkAuthorizationResponse(params, {
        state: pending.state,
        issuer,
        issParameterSupported: meta['authorization_response_iss_parameter_supported'] === true,
      });
      const body = await tokenRequest({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUri,
        code_verifier: pending.codeVerifier,
      });
      const tokens = readTokenResponse(body, nowSeconds(), dpopProver !== undefined);
      if (tokens.idToken === undefined) {
        throw new OidcClientError('ERR_CLIENT_TOKEN_RESPONSE_INVALID', 'the token response has no id_token');
      }
      const verified = await idTokens.verify(tokens.idToken, keySet);
      checkIdTokenBindings(verified.header, verified.claims, {
        nonce: pending.nonce,
        accessToken: tokens.accessToken,
        code,
      });
      return { ...tokens, idToken: tokens.idToken, claims: verified.claims };
    },

    async refresh(refreshToken, subject) {
      if (typeof refreshToken !== 'string' || refreshToken === '')
        throw new TypeError('refreshToken is required');
      const body = await tokenRequest({ grant_type: 'refresh_token', refresh_token: refreshToken });
      const tokens = readTokenResponse(body, nowSeconds(), dpopProver !== undefined);
      if (tokens.idToken === undefined) return tokens;
      const verified = await idTokens.verify(tokens.idToken, keySet);
      // OIDC Core §12.2: same iss (checked by the verifier) and same sub as the original ID token.
      if (subject !== undefined && verified.claims.sub !== subject) {
        throw new OidcClientError('ERR_CLIENT_SUBJECT_MISMATCH');
      }
      checkIdTokenBindings(verified.header, verified.claims, { accessToken: tokens.accessToken });
      return { ...tokens, claims: verified.claims };
    },

    async endSessionUrl(end = {}) {
      const endpoint = (await metadata()).end_session_endpoint;
      if (typeof endpoint !== 'string') return undefined;
      const url = new URL(endpoint);
      url.searchParams.set('client_id', clientId);
      if (end.idTokenHint !== undefined) url.searchParams.set('id_token_hint', end.idTokenHint);
      if (end.postLogoutRedirectUri !== undefined) {
        url.searchParams.set('post_logout_redirect_uri', end.postLogoutRedirectUri);
      }
      if (end.state !== undefined) url.searchParams.set('state', end.state);
      return url.href;
    },

    async verifyLogoutToken(token) {
      try {
        const verified = await logoutTokens.verify(token, keySet);
        return checkLogoutTokenClaims(verified.claims);
      } catch (error) {
        if (error instanceof OidcClientError) throw error;
        throw new OidcClientError('ERR_CLIENT_LOGOUT_TOKEN_INVALID', 'the logout token did not verify', {
          cause: error,
        });
      }
    },
  };
}

function discoveryLimits(options: FetchLimitOptions): FetchLimitOptions {
  return {
    ...(options.timeout === undefined ? {} : { timeout: options.timeout }),
    ...(options.maxSize === undefined ? {} : { maxSize: options.maxSize }),
  };
}

/** The endpoints the code flow needs must be present and https (http only for a loopback issuer). */
function checkMetadata(meta: ProviderMetadata): ProviderMetadata {
  for (const name of ['authorization_endpoint', 'token_endpoint'] as const) {
    checkEndpoint(meta[name], name, true);
  }
  checkEndpoint(meta.end_session_endpoint, 'end_session_endpoint', false);
  const methods = meta['code_challenge_methods_supported'];
  // RFC 8414 §2: when listed, S256 must be among them; we never fall back to `plain`.
  if (Array.isArray(methods) && !methods.includes('S256')) {
    throw new OidcClientError('ERR_CLIENT_METADATA_INVALID', 'the provider does not support PKCE S256');
  }
  return meta;
}

function checkEndpoint(value: unknown, name: string, required: boolean): void {
  if (value === undefined && !required) return;
  if (typeof value !== 'string' || !URL.canParse(value) || !isSecureOrLoopback(new URL(value))) {
    throw new OidcClientError('ERR_CLIENT_METADATA_INVALID', `the provider metadata has no usable ${name}`);
  }
}

/** RFC 6749 §5.1: access_token and a Bearer token_type are required; the rest is typed when present. */
function readTokenResponse(body: Record<string, unknown>, nowSeconds: number, dpop: boolean): TokenSet {
  const invalid = (why: string) =>
    new OidcClientError('ERR_CLIENT_TOKEN_RESPONSE_INVALID', `the token response ${why}`);
  const { access_token, token_type, expires_in, refresh_token, id_token, scope } = body;
  if (typeof access_token !== 'string' || access_token === '') throw invalid('has no access_token');
  // RFC 6749 §7.1: the type is case-insensitive. RFC 9449 §5: a client that sent a proof takes only
  // a DPoP token (a Bearer answer would be a downgrade), and a client that did not, only Bearer.
  const expected = dpop ? 'DPoP' : 'Bearer';
  if (typeof token_type !== 'string' || token_type.toLowerCase() !== expected.toLowerCase()) {
    throw invalid(`has a token_type other than ${expected}`);
  }
  if (
    expires_in !== undefined &&
    (typeof expires_in !== 'number' || !Number.isFinite(expires_in) || expires_in <= 0)
  ) {
    throw invalid('has an invalid expires_in');
  }
  for (const [name, value] of [
    ['refresh_token', refresh_token],
    ['id_token', id_token],
    ['scope', scope],
  ] as const) {
    if (value !== undefined && typeof value !== 'string') throw invalid(`has a non-string ${name}`);
  }
  return {
    accessToken: access_token,
    expiresAt: expires_in === undefined ? undefined : nowSeconds + Math.floor(expires_in),
    refreshToken: refresh_token as string | undefined,
    idToken: id_token as string | undefined,
    claims: undefined,
    scope: scope as string | undefined,
    tokenType: expected,
  };
}
