import {
  createVerifier,
  type JwsHeader,
  type JwtClaims,
  type LoginTokenSet,
  parseCompactJws,
} from '@latchkey/oidc';
import { userinfoAudience } from '../tokens/audience.js';
import { DEMO_CLIENT_ID } from './client.js';

/** One check that passed, as the page lists it: what was checked and against what. */
export interface PassedCheck {
  readonly name: string;
  readonly detail: string;
}

export interface TokenReport {
  readonly token: string;
  readonly header: JwsHeader;
  readonly claims: JwtClaims;
  readonly checks: readonly PassedCheck[];
}

export interface DemoTokens {
  readonly idToken: TokenReport;
  readonly accessToken: TokenReport;
  /** The access token's audience the API side checks (our UserInfo endpoint). */
  readonly accessTokenAudience: string;
  readonly jwksUri: string;
}

export interface VerifyDemoTokensDeps {
  readonly issuer: string;
  readonly jwksUri: string;
  readonly fetch: typeof fetch;
  /** Epoch milliseconds. */
  readonly now: () => number;
}

/**
 * The ID token was verified by the relying-party client itself (`handleCallback`: signature against
 * the live JWKS, iss, aud, azp, exp, iat, typ, nonce; OIDC Core §3.1.3.7). The access token is verified
 * here the way an API does it, with `createVerifier` against the same live JWKS and `typ: at+jwt`
 * (RFC 9068 §4). Only what passed reaches the page; any failure throws before.
 */
export async function verifyDemoTokens(
  deps: VerifyDemoTokensDeps,
  tokens: LoginTokenSet,
): Promise<DemoTokens> {
  const audience = userinfoAudience(deps.issuer);
  const verifier = createVerifier({
    issuer: deps.issuer,
    audience,
    typ: 'at+jwt',
    fetch: deps.fetch,
    now: deps.now,
  });
  const accessClaims = await verifier.verify(tokens.accessToken);
  const idHeader = parseCompactJws(tokens.idToken).header;
  const accessHeader = parseCompactJws(tokens.accessToken).header;
  const nowSeconds = Math.floor(deps.now() / 1000);
  const common = (header: JwsHeader, claims: JwtClaims): PassedCheck[] => [
    {
      name: 'signature',
      detail: `${header.alg} signature verified with key ${header.kid ?? '(no kid)'} from ${deps.jwksUri}`,
    },
    { name: 'iss', detail: `${String(claims.iss)} is the issuer` },
  ];
  const expiry = (claims: JwtClaims): PassedCheck => ({
    name: 'exp',
    detail: `${new Date((claims.exp ?? 0) * 1000).toISOString()}, in ${Math.max(0, (claims.exp ?? 0) - nowSeconds)} s`,
  });
  return {
    jwksUri: deps.jwksUri,
    accessTokenAudience: audience,
    idToken: {
      token: tokens.idToken,
      header: idHeader,
      claims: tokens.claims,
      checks: [
        ...common(idHeader, tokens.claims),
        { name: 'aud', detail: `names this client, ${DEMO_CLIENT_ID}` },
        expiry(tokens.claims),
        {
          name: 'typ',
          detail: `${idHeader.typ ?? '(none)'}: an ID token, never an access or logout token (RFC 8725 §3.11)`,
        },
        { name: 'nonce', detail: 'equals the nonce this sign-in sent (OIDC Core §3.1.3.7)' },
      ],
    },
    accessToken: {
      token: tokens.accessToken,
      header: accessHeader,
      claims: accessClaims,
      checks: [
        ...common(accessHeader, accessClaims),
        { name: 'aud', detail: `names ${audience}, the API it is meant for` },
        expiry(accessClaims),
        { name: 'typ', detail: `${String(accessHeader.typ)}: a JWT access token (RFC 9068 §2.1)` },
      ],
    },
  };
}
