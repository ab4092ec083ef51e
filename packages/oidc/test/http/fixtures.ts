// Real signed tokens and a verifier built on the library, shared by the http tests.
import {
  createClaimsValidator,
  generateKeyPair,
  JoseError,
  type JoseKey,
  type JwsHeader,
  type JwtClaims,
  type KeySet,
  signJws,
  type TokenVerifier,
  verifyJws,
} from '@latchkey/oidc';

export const ISSUER = 'https://id.example.test';
export const AUDIENCE = 'https://api.example.test';
/** The frozen clock of every test, in epoch seconds. */
export const NOW = 1_800_000_000;

/**
 * Tokens whose `kid` names a key-set failure: the key set throws as a remote one would when it cannot
 * reach the provider, and `crash` throws a plain Error whose text must never reach the client.
 */
export const SECRET_DETAIL = 'db password hunter2';
const FAILING_KIDS: Readonly<Record<string, () => Error>> = {
  'fetch-failed': () => new JoseError('ERR_JWKS_FETCH_FAILED', 'GET https://id.example.test/jwks → 502'),
  timeout: () => new JoseError('ERR_JWKS_TIMEOUT'),
  crash: () => new Error(SECRET_DETAIL),
};

export interface Issuer {
  /** An RFC 9068 access token (typ at+jwt) valid at NOW, with `claims` merged over the defaults. */
  accessToken(claims?: Record<string, unknown>, header?: Record<string, unknown>): string;
  /** The verifier an API would configure: issuer, audience, typ at+jwt, ES256, clock at NOW. */
  readonly verifier: TokenVerifier<JwtClaims>;
}

let issuer: Promise<Issuer> | undefined;

/** One key pair for the whole test file (generation is the slow part). */
export function testIssuer(): Promise<Issuer> {
  issuer ??= makeIssuer();
  return issuer;
}

async function makeIssuer(): Promise<Issuer> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { kid: 'k1' });
  const keys: KeySet = {
    resolve(header: JwsHeader): JoseKey {
      const failure = header.kid === undefined ? undefined : FAILING_KIDS[header.kid];
      if (failure !== undefined) throw failure();
      if (header.kid !== publicKey.kid) throw new JoseError('ERR_JWKS_NO_MATCHING_KEY');
      return publicKey;
    },
  };
  const claimsValidator = createClaimsValidator({
    issuer: ISSUER,
    audience: AUDIENCE,
    typ: 'at+jwt',
    now: () => NOW * 1000,
  });
  const verifier: TokenVerifier<JwtClaims> = {
    async verify(token) {
      const { header, payload } = await verifyJws(token, keys, { algorithms: ['ES256'] });
      claimsValidator.checkHeader(header);
      return claimsValidator.validate(header, JSON.parse(payload.toString('utf8')));
    },
  };
  return {
    verifier,
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
      return signJws({ typ: 'at+jwt', ...header }, JSON.stringify(payload), privateKey);
    },
  };
}
