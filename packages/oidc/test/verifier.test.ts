import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import {
  type CreateVerifierOptions,
  createVerifier,
  exportJwk,
  generateKeyPair,
  generateSecret,
  type JoseKey,
  type JwtClaims,
  signJwt,
} from '@latchkey/oidc';
import { frozenClock, json, routes, startTestServer, type TestServer } from './keys/test-server.js';

const WELL_KNOWN = '/.well-known/openid-configuration';

let es: { privateKey: JoseKey; publicKey: JoseKey };
let rsa: { privateKey: JoseKey; publicKey: JoseKey };

before(async () => {
  [es, rsa] = await Promise.all([generateKeyPair('ES256'), generateKeyPair('RS256', { kid: 'rsa-1' })]);
});

interface Provider {
  server: TestServer;
  issuer: string;
  clock: ReturnType<typeof frozenClock>;
  claims: (extra?: Record<string, unknown>) => Record<string, unknown>;
}

async function provider(
  t: { after(fn: () => unknown): void },
  metadata?: Record<string, unknown>,
): Promise<Provider> {
  const server = await startTestServer();
  t.after(() => server.close());
  const issuer = server.origin;
  server.handler = routes({
    [WELL_KNOWN]: json(metadata ?? { issuer, jwks_uri: `${issuer}/jwks` }),
    '/jwks': json(
      { keys: [exportJwk(es.publicKey), exportJwk(rsa.publicKey)] },
      { 'cache-control': 'max-age=300' },
    ),
  });
  const clock = frozenClock();
  const now = clock.now() / 1000;
  return {
    server,
    issuer,
    clock,
    claims: (extra = {}) => ({ iss: issuer, aud: 'api', sub: 'user-1', iat: now, exp: now + 300, ...extra }),
  };
}

test('createVerifier verifies tokens end to end: discovery, then the JWKS, fetched once and lazily', async (t) => {
  const { server, issuer, clock, claims } = await provider(t);
  interface ApiClaims extends JwtClaims {
    scope: string;
  }
  const verifier = createVerifier<ApiClaims>({ issuer, audience: 'api', typ: 'at+jwt', now: clock.now });
  assert.equal(server.count(WELL_KNOWN), 0, 'nothing is fetched before the first token');

  const verified = await verifier.verify(
    signJwt(claims({ scope: 'read' }), es.privateKey, { typ: 'at+jwt' }),
  );
  const scope: string = verified.scope;
  assert.equal(scope, 'read');
  assert.equal(verified.sub, 'user-1');
  for (let i = 0; i < 20; i++) {
    await verifier.verify(
      signJwt(claims({ scope: 'x' }), i % 2 ? es.privateKey : rsa.privateKey, { typ: 'at+jwt' }),
    );
  }
  assert.equal(server.count(WELL_KNOWN), 1);
  assert.equal(server.count('/jwks'), 1);
  assert.equal(verifier.keySet.keys.length, 2);
});

test('createVerifier rejects with stable error codes', async (t) => {
  const { issuer, clock, claims } = await provider(t);
  const verifier = createVerifier({ issuer, audience: 'api', now: clock.now });
  const cases: [string, string, string][] = [
    ['expired', signJwt(claims({ exp: clock.now() / 1000 - 60 }), es.privateKey), 'ERR_JWT_EXPIRED'],
    ['J19: another audience', signJwt(claims({ aud: 'other' }), es.privateKey), 'ERR_JWT_CLAIM_INVALID'],
    ['J18: another issuer', signJwt(claims({ iss: `${issuer}/` }), es.privateKey), 'ERR_JWT_CLAIM_INVALID'],
    [
      'unknown kid',
      signJwt(claims(), es.privateKey, { header: { kid: 'nope' } }),
      'ERR_JWKS_NO_MATCHING_KEY',
    ],
    [
      'HMAC never verifies against a published key set',
      signJwt(claims(), generateSecret('HS256')),
      'ERR_JOSE_ALG_NOT_ALLOWED',
    ],
    ['malformed', 'not-a-token', 'ERR_JWS_INVALID'],
  ];
  for (const [name, token, code] of cases) await assert.rejects(verifier.verify(token), { code }, name);
});

test('K6: a discovery document naming another issuer is refused and its jwks_uri never fetched', async (t) => {
  const server = await startTestServer();
  t.after(() => server.close());
  server.handler = routes({
    [WELL_KNOWN]: json({ issuer: `${server.origin}/`, jwks_uri: `${server.origin}/jwks` }),
    '/jwks': json({ keys: [exportJwk(es.publicKey)] }),
  });
  const clock = frozenClock();
  const verifier = createVerifier({ issuer: server.origin, audience: 'api', now: clock.now });
  const token = signJwt({ iss: server.origin, aud: 'api', exp: clock.now() / 1000 + 60 }, es.privateKey);
  await assert.rejects(verifier.verify(token), { code: 'ERR_DISCOVERY_INVALID' });
  assert.equal(server.count('/jwks'), 0);
});

test('a failed discovery is retried after the cooldown, not cached', async (t) => {
  const { server, issuer, clock, claims } = await provider(t);
  const working = server.handler;
  server.handler = (_q, s) => s.writeHead(503).end();
  const verifier = createVerifier({ issuer, audience: 'api', now: clock.now });
  const token = signJwt(claims(), es.privateKey);
  await assert.rejects(verifier.verify(token), { code: 'ERR_JWKS_FETCH_FAILED' });
  await assert.rejects(verifier.verify(token), { code: 'ERR_JWKS_FETCH_FAILED' });
  assert.equal(server.count(WELL_KNOWN), 1, 'one attempt per cooldown');
  server.handler = working;
  clock.advance(30);
  assert.equal((await verifier.verify(token)).sub, 'user-1');
  assert.equal(server.count(WELL_KNOWN), 2);
});

test('createVerifier checks its options at once with a TypeError', () => {
  const base: CreateVerifierOptions = { issuer: 'https://id.example.com', audience: 'api' };
  const bad: Record<string, unknown>[] = [
    { jwksUri: 'https://evil.example.com/jwks' },
    { algorithms: ['HS256'] },
    { algorithms: ['RS256', 'HS512'] },
    { algorithms: [] },
    { audience: undefined },
    { audience: [] },
    { issuer: 'http://id.example.com' },
    { issuer: 'not a url' },
    { clockTolerance: 'forever' },
    { cooldown: -5 },
    { timeout: 'never' },
  ];
  for (const patch of bad) {
    assert.throws(
      () => createVerifier({ ...base, ...patch } as CreateVerifierOptions),
      TypeError,
      JSON.stringify(patch),
    );
  }
  assert.doesNotThrow(() => createVerifier({ ...base, algorithms: ['ES256'], maxTokenAge: '1h' }));
});
