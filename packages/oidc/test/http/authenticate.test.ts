import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type BearerAuthOptions,
  type BearerRequest,
  createBearerAuthenticator,
  JOSE_ERROR_CODES,
  JoseError,
  type JoseErrorCode,
  type TokenVerifier,
} from '@latchkey/oidc';

const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const withToken: BearerRequest = { authorization: [`Bearer ${TOKEN}`], url: '/' };

/** A verifier that records its calls and answers with `outcome` (claims, or a thrown error). */
function fakeVerifier(outcome: () => unknown): TokenVerifier<Record<string, unknown>> & { calls: number } {
  const verifier = {
    calls: 0,
    async verify() {
      verifier.calls += 1;
      return outcome() as Record<string, unknown>;
    },
  };
  return verifier;
}
const accepting = () => fakeVerifier(() => ({ sub: 'alice', scope: 'read' }));
const throwing = (error: unknown) =>
  fakeVerifier(() => {
    throw error;
  });

const BAD_OPTIONS: ReadonlyArray<[string, unknown, RegExp]> = [
  ['no options', undefined, /^options must be an object/],
  ['no verifier', {}, /options\.verifier/],
  ['a verifier without verify()', { verifier: {} }, /options\.verifier/],
  ['scopes that are not an array', { verifier: accepting(), scopes: 'read' }, /options\.scopes/],
  ['a scope with a space', { verifier: accepting(), scopes: ['read write'] }, /options\.scopes/],
  ['claims that is not a function', { verifier: accepting(), claims: true }, /options\.claims/],
  ['a realm with a line break', { verifier: accepting(), realm: 'a\nb' }, /options\.realm/],
  [
    'a relative resourceMetadata',
    { verifier: accepting(), resourceMetadata: '/.well-known/x' },
    /options\.resourceMetadata/,
  ],
  [
    'a non-http resourceMetadata',
    { verifier: accepting(), resourceMetadata: 'ftp://a/b' },
    /options\.resourceMetadata/,
  ],
  [
    'a resourceMetadata with a quote',
    { verifier: accepting(), resourceMetadata: 'https://a/"b' },
    /options\.resourceMetadata/,
  ],
  ['a fractional retryAfter', { verifier: accepting(), retryAfter: 1.5 }, /options\.retryAfter/],
  ['a negative retryAfter', { verifier: accepting(), retryAfter: -1 }, /options\.retryAfter/],
  ['an onError that is not a function', { verifier: accepting(), onError: 'log' }, /options\.onError/],
  ['a requireAcr with a space', { verifier: accepting(), requireAcr: 'a b' }, /options\.requireAcr/],
  ['an empty requireAcr list', { verifier: accepting(), requireAcr: [] }, /options\.requireAcr/],
  ['a negative maxAge', { verifier: accepting(), maxAge: -1 }, /options\.maxAge/],
  ['a now that is not a function', { verifier: accepting(), now: 5 }, /options\.now/],
];

for (const [name, options, message] of BAD_OPTIONS) {
  test(`createBearerAuthenticator refuses ${name} with a TypeError naming the option, before any request`, () => {
    assert.throws(() => createBearerAuthenticator(options as BearerAuthOptions<unknown>), {
      name: 'TypeError',
      message,
    });
  });
}

// Every JoseError code has a decided answer: the token's fault (401), the key set's (503), ours (500).
const EXPECTED_STATUS: Readonly<Record<JoseErrorCode, number>> = {
  ERR_JOSE_INVALID_ARGUMENT: 500,
  ERR_JWS_INVALID: 401,
  ERR_JWS_SIGNATURE_INVALID: 401,
  ERR_JOSE_ALG_NOT_ALLOWED: 401,
  ERR_JOSE_NOT_SUPPORTED: 401,
  ERR_JWK_INVALID: 401,
  ERR_KEY_INVALID: 401,
  ERR_JWT_INVALID: 401,
  ERR_JWT_EXPIRED: 401,
  ERR_JWT_CLAIM_INVALID: 401,
  ERR_JWT_INSUFFICIENT_USER_AUTHENTICATION: 401,
  ERR_JWKS_NO_MATCHING_KEY: 401,
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 401,
  ERR_JWKS_INVALID: 503,
  ERR_JWKS_TIMEOUT: 503,
  ERR_JWKS_FETCH_FAILED: 503,
  ERR_DISCOVERY_INVALID: 503,
  ERR_DPOP_PROOF_INVALID: 401,
  ERR_DPOP_NONCE_REQUIRED: 401,
};

for (const code of Object.keys(JOSE_ERROR_CODES) as JoseErrorCode[]) {
  test(`a verifier failing with ${code} gives ${EXPECTED_STATUS[code]}`, async () => {
    const result = await createBearerAuthenticator({
      verifier: throwing(new JoseError(code, 'detail about https://internal')),
    })(withToken);
    assert.equal(result.ok, false);
    if (result.ok) return;
    assert.equal(result.status, EXPECTED_STATUS[code]);
    assert.equal(result.headers['cache-control'], 'no-store');
    if (result.status === 401) {
      assert.deepEqual(result.body, {
        error:
          code === 'ERR_JWT_INSUFFICIENT_USER_AUTHENTICATION'
            ? 'insufficient_user_authentication'
            : 'invalid_token',
        error_description: 'detail about https://internal',
      });
    } else {
      // A server-side failure tells the client nothing about its cause.
      assert.doesNotMatch(JSON.stringify(result), /internal/);
      assert.equal(result.headers['www-authenticate'], undefined);
    }
    assert.equal(result.headers['retry-after'], result.status === 503 ? '10' : undefined);
  });
}

test('a JoseError message that contains the token is replaced by the generic text for its code', async () => {
  for (const echoed of [TOKEN, TOKEN.split('.')[1]!]) {
    const authenticate = createBearerAuthenticator({
      verifier: throwing(new JoseError('ERR_JWT_CLAIM_INVALID', `bad token ${echoed}`)),
    });
    const result = await authenticate(withToken);
    assert.ok(!result.ok);
    assert.equal(result.body.error_description, JOSE_ERROR_CODES.ERR_JWT_CLAIM_INVALID);
    assert.equal(JSON.stringify(result).includes(echoed), false);
  }
});

test('a request without a token never reaches the verifier', async () => {
  const verifier = accepting();
  const authenticate = createBearerAuthenticator({ verifier });
  for (const request of [
    { authorization: [], url: '/' },
    { authorization: ['Bearer a b'], url: '/' },
  ]) {
    assert.equal((await authenticate(request)).ok, false);
  }
  assert.equal(verifier.calls, 0);
});

test('the claims predicate may be async, and sees the verified claims', async () => {
  const seen: unknown[] = [];
  const authenticate = createBearerAuthenticator({
    verifier: accepting(),
    claims: async (claims) => {
      seen.push(claims);
      return claims['sub'] === 'alice';
    },
  });
  assert.deepEqual(await authenticate(withToken), { ok: true, claims: { sub: 'alice', scope: 'read' } });
  assert.deepEqual(seen, [{ sub: 'alice', scope: 'read' }]);
});

test('a claims predicate that returns a truthy non-boolean does not grant access', async () => {
  const authenticate = createBearerAuthenticator({
    verifier: accepting(),
    claims: () => 'yes' as unknown as boolean,
  });
  const result = await authenticate(withToken);
  assert.ok(!result.ok);
  assert.equal(result.status, 403);
});

test('scopes are checked before the claims predicate, and the challenge names only the required scopes', async () => {
  let predicateCalls = 0;
  const authenticate = createBearerAuthenticator({
    verifier: accepting(),
    scopes: ['read', 'admin'],
    claims: () => {
      predicateCalls += 1;
      return true;
    },
  });
  const result = await authenticate(withToken);
  assert.ok(!result.ok);
  assert.equal(result.status, 403);
  assert.match(result.headers['www-authenticate']!, /error="insufficient_scope", .*scope="read admin"/);
  assert.equal(predicateCalls, 0);
});

test('a throwing claims predicate gives a bare 500 and is reported to onError', async () => {
  const reported: unknown[] = [];
  const failure = new Error('predicate bug');
  const authenticate = createBearerAuthenticator({
    verifier: accepting(),
    claims: () => {
      throw failure;
    },
    onError: (error) => reported.push(error),
  });
  const result = await authenticate(withToken);
  assert.ok(!result.ok);
  assert.deepEqual([result.status, result.body], [500, { error: 'server_error' }]);
  assert.deepEqual(reported, [failure]);
});

test('onError hears about 503s, not about invalid tokens, and its own errors are ignored', async () => {
  const reported: string[] = [];
  const onError = (error: unknown) => {
    reported.push((error as JoseError).code);
    throw new Error('logger down');
  };
  const down = createBearerAuthenticator({ verifier: throwing(new JoseError('ERR_JWKS_TIMEOUT')), onError });
  const expired = createBearerAuthenticator({
    verifier: throwing(new JoseError('ERR_JWT_EXPIRED')),
    onError,
  });
  assert.equal((await down(withToken)).ok, false);
  assert.equal((await expired(withToken)).ok, false);
  assert.deepEqual(reported, ['ERR_JWKS_TIMEOUT']);
});

test('retryAfter sets the Retry-After of a 503', async () => {
  const authenticate = createBearerAuthenticator({
    verifier: throwing(new JoseError('ERR_JWKS_FETCH_FAILED')),
    retryAfter: 30,
  });
  const result = await authenticate(withToken);
  assert.ok(!result.ok);
  assert.equal(result.headers['retry-after'], '30');
});

test('a non-Error thrown by the verifier gives a bare 500', async () => {
  const result = await createBearerAuthenticator({ verifier: throwing('string thrown') })(withToken);
  assert.ok(!result.ok);
  assert.deepEqual([result.status, result.body], [500, { error: 'server_error' }]);
});

test('a claims predicate refusal names no scope: only a scope failure does', async () => {
  const authenticate = createBearerAuthenticator({
    verifier: accepting(),
    scopes: ['read'],
    claims: () => false,
  });
  const result = await authenticate(withToken);
  assert.ok(!result.ok);
  assert.equal(result.status, 403);
  assert.doesNotMatch(result.headers['www-authenticate']!, /scope=/);
});
