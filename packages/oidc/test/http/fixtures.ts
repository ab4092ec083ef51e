// Real signed tokens, and real verifiers (createVerifier: discovery + remote JWKS) fed by an in-memory
// provider through the injectable fetch, shared by the http tests.
import {
  createVerifier,
  exportJwk,
  generateKeyPair,
  type JwtClaims,
  signJwt,
  type TokenVerifier,
} from '@latchkey/oidc';

export const ISSUER = 'https://id.example.test';
export const AUDIENCE = 'https://api.example.test';
const JWKS_URI = `${ISSUER}/jwks`;
/** The frozen clock of every test, in epoch seconds. */
export const NOW = 1_800_000_000;
/** Text of an unexpected error that must never reach a client. */
export const SECRET_DETAIL = 'db password hunter2';

export interface Verifiers {
  /** What an API configures: issuer, audience, typ at+jwt, ES256, the provider up. */
  readonly good: TokenVerifier<JwtClaims>;
  /** The same, while the provider answers 502 to every request. */
  readonly down: TokenVerifier<JwtClaims>;
  /** The same, while the provider never answers (a 20 ms fetch timeout). */
  readonly slow: TokenVerifier<JwtClaims>;
  /** An application's own verifier failing with an unexpected (non-JoseError) error. */
  readonly crash: TokenVerifier<JwtClaims>;
}

export interface Issuer {
  /**
   * An RFC 9068 access token (typ at+jwt) valid at NOW, with `claims` merged over the defaults and
   * `header` members added to the protected header.
   */
  accessToken(claims?: Record<string, unknown>, header?: Record<string, unknown>): string;
  readonly verifiers: Verifiers;
}

let issuer: Promise<Issuer> | undefined;

/** One key pair per test file (generation is the slow part). */
export function testIssuer(): Promise<Issuer> {
  issuer ??= makeIssuer();
  return issuer;
}

async function makeIssuer(): Promise<Issuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { kid: 'k1' });
  const documents: Record<string, unknown> = {
    [`${ISSUER}/.well-known/openid-configuration`]: { issuer: ISSUER, jwks_uri: JWKS_URI },
    [JWKS_URI]: { keys: [exportJwk(publicKey)] },
  };
  const provider: typeof fetch = async (input) => {
    const body = documents[String(input)];
    return body === undefined ? new Response('not found', { status: 404 }) : Response.json(body);
  };
  const unreachable: typeof fetch = async () => new Response('bad gateway', { status: 502 });
  const silent: typeof fetch = (_input, init) =>
    new Promise((_resolve, reject) =>
      init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
    );

  const verifier = (providerFetch: typeof fetch, timeout?: number) =>
    createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['ES256'],
      typ: 'at+jwt',
      now: () => NOW * 1000,
      fetch: providerFetch,
      ...(timeout === undefined ? {} : { timeout }),
    });
  const verifiers: Verifiers = {
    good: verifier(provider),
    down: verifier(unreachable),
    slow: verifier(silent, 0.02),
    crash: {
      async verify() {
        throw new Error(SECRET_DETAIL);
      },
    },
  };
  return {
    verifiers,
    accessToken(claims = {}, header = {}) {
      const payload = {
        iss: ISSUER,
        aud: AUDIENCE,
        sub: 'alice',
        client_id: 'cli',
        scope: 'read write',
        iat: NOW - 10,
        exp: NOW + 300,
        ...claims,
      };
      // `typ` in `header` (even undefined) replaces at+jwt: how the J21 cases make other token types.
      const { typ, ...rest } = header;
      const chosen = 'typ' in header ? typ : 'at+jwt';
      return signJwt(
        payload,
        privateKey,
        typeof chosen === 'string' ? { typ: chosen, header: rest } : { header: rest },
      );
    },
  };
}
