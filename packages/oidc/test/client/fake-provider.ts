// A fake OpenID Provider for relying-party tests, as a `fetch` function: discovery, JWKS and a token
// endpoint with real PKCE, code and client checks, and hooks to break the ID token on purpose.
// `authorize()` plays the user who signs in and returns the callback URL the browser would be sent to.
// Shared by the oidc client tests and the gateway tests (they inject this fetch).
import { createHash, randomBytes } from 'node:crypto';
import {
  exportJwk,
  type GeneratedKeyPair,
  generateKeyPair,
  type JoseKey,
  type JwsAlgorithm,
  signJwt,
  tokenHash,
} from '@latchkey/oidc';

export interface FakeProviderOptions {
  readonly issuer?: string;
  readonly alg?: JwsAlgorithm;
  readonly clientId?: string;
  readonly clientSecret?: string;
  /** Advertise and send `iss` in authorization responses (RFC 9207). Default true. */
  readonly issParameter?: boolean;
  readonly now?: () => number;
  readonly accessTokenLifetime?: number;
}

export interface IssuedCode {
  readonly redirectUri: string;
  readonly nonce: string | undefined;
  readonly challenge: string;
  readonly sub: string;
  readonly extraClaims: Record<string, unknown>;
}

/** Changes the ID token the token endpoint issues: claims and header can be rewritten. */
export type TokenResponseHook = (params: URLSearchParams) => Response | undefined;

export type IdTokenTamper = (claims: Record<string, unknown>, header: Record<string, unknown>) => void;

const keyCache = new Map<JwsAlgorithm, Promise<GeneratedKeyPair>>();

export async function createFakeProvider(options: FakeProviderOptions = {}) {
  const issuer = options.issuer ?? 'https://op.example';
  const alg = options.alg ?? 'ES256';
  const clientId = options.clientId ?? 'gateway';
  const clientSecret = options.clientSecret ?? 'gateway-secret';
  const issParameter = options.issParameter ?? true;
  const now = options.now ?? Date.now;
  let pair = keyCache.get(alg);
  if (pair === undefined) {
    pair = generateKeyPair(alg);
    keyCache.set(alg, pair);
  }
  const { privateKey, publicKey } = await pair;
  const codes = new Map<string, IssuedCode>();
  const refreshTokens = new Map<string, { sub: string; extraClaims: Record<string, unknown> }>();
  const requests: { path: string; body: URLSearchParams }[] = [];
  const metadata: Record<string, unknown> = {
    issuer,
    authorization_endpoint: `${issuer}/authorize`,
    token_endpoint: `${issuer}/token`,
    jwks_uri: `${issuer}/jwks`,
    end_session_endpoint: `${issuer}/logout`,
    code_challenge_methods_supported: ['S256'],
    authorization_response_iss_parameter_supported: issParameter,
    backchannel_logout_supported: true,
  };
  const seconds = () => Math.floor(now() / 1000);
  const hooks: { tamperIdToken?: IdTokenTamper | undefined; tokenResponse?: TokenResponseHook | undefined } =
    {};

  const accessToken = (claims: Record<string, unknown>, audience = 'https://api.example'): string =>
    signJwt(
      {
        iss: issuer,
        aud: audience,
        client_id: clientId,
        iat: seconds(),
        exp: seconds() + 300,
        jti: randomId(),
        ...claims,
      },
      privateKey,
      { typ: 'at+jwt', header: { kid: privateKey.kid } },
    );

  const issueTokens = (
    sub: string,
    extraClaims: Record<string, unknown>,
    nonce: string | undefined,
    code?: string,
  ): Record<string, unknown> => {
    const access = accessToken({ sub, scope: 'openid' });
    const refreshToken = randomId();
    refreshTokens.set(refreshToken, { sub, extraClaims });
    const claims: Record<string, unknown> = {
      iss: issuer,
      aud: clientId,
      iat: seconds(),
      exp: seconds() + 300,
      sub,
      ...(nonce === undefined ? {} : { nonce }),
      at_hash: tokenHash(access, alg),
      ...(code === undefined ? {} : { c_hash: tokenHash(code, alg) }),
      sid: 'sid-1',
      ...extraClaims,
    };
    const header: Record<string, unknown> = {};
    hooks.tamperIdToken?.(claims, header);
    return {
      access_token: access,
      token_type: 'Bearer',
      expires_in: options.accessTokenLifetime ?? 300,
      refresh_token: refreshToken,
      id_token: signJwt(claims, privateKey, { header: { kid: privateKey.kid, ...header } }),
      scope: 'openid',
    };
  };

  const fake = {
    issuer,
    clientId,
    clientSecret,
    privateKey,
    metadata,
    codes,
    /** Every token endpoint request, in order. */
    requests,
    /** Rewrites the next ID tokens (set to undefined to stop). */
    get tamperIdToken(): IdTokenTamper | undefined {
      return hooks.tamperIdToken;
    },
    set tamperIdToken(value: IdTokenTamper | undefined) {
      hooks.tamperIdToken = value;
    },
    /** Replaces the token endpoint's answer. */
    get tokenResponse(): TokenResponseHook | undefined {
      return hooks.tokenResponse;
    },
    set tokenResponse(value: TokenResponseHook | undefined) {
      hooks.tokenResponse = value;
    },

    /** Plays the user signing in at `authorizationUrl`; returns the callback URL (RFC 6749 §4.1.2). */
    authorize(
      authorizationUrl: string,
      user: { sub?: string; claims?: Record<string, unknown>; iss?: string | null } = {},
    ): string {
      const url = new URL(authorizationUrl);
      const q = url.searchParams;
      if (q.get('client_id') !== clientId) throw new Error('fake provider: wrong client_id');
      if (q.get('code_challenge_method') !== 'S256') throw new Error('fake provider: PKCE S256 expected');
      const code = randomBytes(16).toString('base64url');
      codes.set(code, {
        redirectUri: q.get('redirect_uri') ?? '',
        nonce: q.get('nonce') ?? undefined,
        challenge: q.get('code_challenge') ?? '',
        sub: user.sub ?? 'alice',
        extraClaims: user.claims ?? {},
      });
      const callback = new URL(q.get('redirect_uri') ?? '');
      callback.searchParams.set('code', code);
      callback.searchParams.set('state', q.get('state') ?? '');
      const iss = user.iss === undefined ? (issParameter ? issuer : null) : user.iss;
      if (iss !== null) callback.searchParams.set('iss', iss);
      return callback.href;
    },

    idToken(
      claims: Record<string, unknown>,
      header: Record<string, unknown> = {},
      key: JoseKey = privateKey,
    ): string {
      return signJwt({ iss: issuer, aud: clientId, iat: seconds(), exp: seconds() + 300, ...claims }, key, {
        header: { kid: privateKey.kid, ...header },
      });
    },

    accessToken,

    logoutToken(claims: Record<string, unknown>, typ = 'logout+jwt'): string {
      return signJwt(
        {
          iss: issuer,
          aud: clientId,
          iat: seconds(),
          exp: seconds() + 120,
          jti: randomId(),
          events: { 'http://schemas.openid.net/event/backchannel-logout': {} },
          ...claims,
        },
        privateKey,
        { typ, header: { kid: privateKey.kid } },
      );
    },

    issueTokens,

    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const request = input instanceof Request ? input : new Request(input, init);
      const url = new URL(request.url);
      if (!url.href.startsWith(issuer)) return new Response('unknown host', { status: 502 });
      const path = url.pathname.slice(new URL(issuer).pathname.replace(/\/$/, '').length);
      if (path === '/.well-known/openid-configuration') return json(metadata);
      if (path === '/jwks') return json({ keys: [exportJwk(publicKey)] });
      if (path === '/token' && request.method === 'POST') {
        const body = new URLSearchParams(await request.text());
        requests.push({ path, body });
        const replaced = hooks.tokenResponse?.(body);
        if (replaced !== undefined) return replaced;
        if (request.headers.get('authorization') !== basic(clientId, clientSecret)) {
          return json({ error: 'invalid_client' }, 401);
        }
        if (body.get('grant_type') === 'refresh_token') {
          const grant = refreshTokens.get(body.get('refresh_token') ?? '');
          if (grant === undefined) return json({ error: 'invalid_grant' }, 400);
          refreshTokens.delete(body.get('refresh_token') ?? '');
          return json(issueTokens(grant.sub, grant.extraClaims, undefined));
        }
        const code = body.get('code') ?? '';
        const issued = codes.get(code);
        codes.delete(code);
        if (issued === undefined || issued.redirectUri !== body.get('redirect_uri')) {
          return json({ error: 'invalid_grant' }, 400);
        }
        const challenge = createHash('sha256')
          .update(body.get('code_verifier') ?? '')
          .digest('base64url');
        if (challenge !== issued.challenge) return json({ error: 'invalid_grant' }, 400);
        return json(issueTokens(issued.sub, issued.extraClaims, issued.nonce, code));
      }
      return new Response('not found', { status: 404 });
    }) as typeof fetch,
  };
  return fake;
}

export type FakeProvider = Awaited<ReturnType<typeof createFakeProvider>>;

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function basic(id: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

function randomId(): string {
  return randomBytes(16).toString('base64url');
}
