import assert from 'node:assert/strict';
import { createHmac, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { encodeBase64url, exportJwk, generateKeyPair } from '@latchkey/oidc';
import { CLIENT_ASSERTION_TYPE, type PrivateKeyJwtFixture, privateKeyJwtFixture } from './fixture.js';

let f: PrivateKeyJwtFixture;
before(async () => {
  f = await privateKeyJwtFixture();
});
after(() => f.close());

/** A compact JWS with the given header and claims and an arbitrary signature. */
function handMade(header: Record<string, unknown>, claims: Record<string, unknown>, signature = ''): string {
  const encode = (value: unknown) => encodeBase64url(Buffer.from(JSON.stringify(value)));
  return `${encode(header)}.${encode(claims)}.${signature}`;
}

function validClaims(clientId = 'pkjwt'): Record<string, unknown> {
  const now = f.clock.now();
  return {
    iss: clientId,
    sub: clientId,
    aud: f.config.issuer,
    exp: now + 60,
    jti: randomBytes(8).toString('base64url'),
  };
}

const basic = (clientId: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('private_key_jwt client authentication (RFC 7523 §2.2, §3; OIDC Core §9)', () => {
  test('a client signs an assertion with its registered RS256 key and gets tokens', async () => {
    const response = await f.redeem('pkjwt', f.withAssertion(f.assertion()));
    assert.equal(response.statusCode, 200, response.body);
    assert.ok(response.json().access_token);
  });

  test('an ES256 key from the same registered JWKS works too, and client_id may be sent alongside', async () => {
    const response = await f.redeem('pkjwt', {
      ...f.withAssertion(f.assertion({ key: f.keys.ec.privateKey })),
      client_id: 'pkjwt',
    });
    assert.equal(response.statusCode, 200, response.body);
  });

  test('the token endpoint URL is accepted as aud besides the issuer (C4)', async () => {
    const token = f.assertion({ claims: { aud: `${f.config.issuer}/token` } });
    const response = await f.redeem('pkjwt', f.withAssertion(token));
    assert.equal(response.statusCode, 200, response.body);
  });

  test('keys come from the registered jwks_uri, fetched once and then cached', async () => {
    const before = f.fetched.length;
    for (let i = 0; i < 2; i++) {
      const token = f.assertion({ clientId: 'pkjwt-remote', key: f.keys.remote.privateKey });
      const response = await f.redeem('pkjwt-remote', f.withAssertion(token));
      assert.equal(response.statusCode, 200, response.body);
    }
    assert.equal(f.fetched.length - before, 1);
  });

  test('C2: refuses client_secret_basic and a client assertion in one request', async () => {
    const response = await f.redeem('web', f.withAssertion(f.assertion({ clientId: 'web' })), {
      authorization: basic('web', f.webSecret),
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'invalid_request');
  });

  test('C2: refuses client_secret_post and a client assertion in one request', async () => {
    const response = await f.redeem('pkjwt', {
      ...f.withAssertion(f.assertion()),
      client_id: 'pkjwt',
      client_secret: 'anything',
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'invalid_request');
  });

  test('C3: refuses a replayed assertion (same jti), even for a fresh code', async () => {
    const token = f.assertion();
    assert.equal((await f.redeem('pkjwt', f.withAssertion(token))).statusCode, 200);
    const replay = await f.redeem('pkjwt', f.withAssertion(token));
    assert.equal(replay.statusCode, 401);
    assert.equal(replay.json().error, 'invalid_client');
  });

  test('C3: the jti is remembered until exp: a new assertion with the same jti is refused later on', async () => {
    const jti = randomBytes(8).toString('base64url');
    const first = f.assertion({ claims: { jti, exp: f.clock.now() + 300 } });
    assert.equal((await f.redeem('pkjwt', f.withAssertion(first))).statusCode, 200);
    f.clock.advance(200);
    const second = f.assertion({ claims: { jti } });
    const response = await f.redeem('pkjwt', f.withAssertion(second));
    assert.equal(response.statusCode, 401);
  });

  test('C3: one client reusing a jti does not block another client using the same jti', async () => {
    const jti = randomBytes(8).toString('base64url');
    const own = f.assertion({ claims: { jti } });
    assert.equal((await f.redeem('pkjwt', f.withAssertion(own))).statusCode, 200);
    const other = f.assertion({
      clientId: 'pkjwt-remote',
      key: f.keys.remote.privateKey,
      claims: { jti },
    });
    assert.equal((await f.redeem('pkjwt-remote', f.withAssertion(other))).statusCode, 200);
  });

  const refusals: [string, () => Record<string, string | undefined>, number, string][] = [
    [
      'C3: refuses an assertion whose iss is not the client id',
      () => f.withAssertion(f.assertion({ claims: { iss: 'web' } })),
      401,
      'invalid_client',
    ],
    [
      'C3: refuses an assertion whose sub is not the client id (iss still is)',
      () => f.withAssertion(f.assertion({ claims: { sub: 'pkjwt-remote' } })),
      401,
      'invalid_client',
    ],
    [
      'C3: refuses an assertion without exp',
      () => f.withAssertion(f.assertion({ claims: { exp: undefined } })),
      401,
      'invalid_client',
    ],
    [
      'C3: refuses a far-future exp (a day ahead)',
      () => f.withAssertion(f.assertion({ claims: { exp: f.clock.now() + 86_400 } })),
      401,
      'invalid_client',
    ],
    [
      'C3: refuses an expired assertion',
      () => f.withAssertion(f.assertion({ claims: { exp: f.clock.now() - 120 } })),
      401,
      'invalid_client',
    ],
    [
      'C3: refuses an assertion without jti',
      () => f.withAssertion(f.assertion({ claims: { jti: undefined } })),
      401,
      'invalid_client',
    ],
    [
      'C4: refuses an aud naming another party',
      () => f.withAssertion(f.assertion({ claims: { aud: 'https://other-as.example' } })),
      401,
      'invalid_client',
    ],
    [
      'C4: refuses an aud array naming us and another party',
      () => f.withAssertion(f.assertion({ claims: { aud: [f.config.issuer, 'https://other-as.example'] } })),
      401,
      'invalid_client',
    ],
    [
      'C4: refuses an aud of another endpoint of ours (UserInfo)',
      () => f.withAssertion(f.assertion({ claims: { aud: `${f.config.issuer}/userinfo` } })),
      401,
      'invalid_client',
    ],
    [
      'C5/J1: refuses alg none with an empty signature',
      () => f.withAssertion(handMade({ alg: 'none' }, validClaims())),
      401,
      'invalid_client',
    ],
    [
      'C5/J1: refuses alg NONE',
      () => f.withAssertion(handMade({ alg: 'NONE', kid: 'rsa-1' }, validClaims())),
      401,
      'invalid_client',
    ],
    [
      'C5/J2: refuses HS256 keyed with the registered RSA public key (JWK JSON bytes)',
      () => {
        const header = { alg: 'HS256', kid: 'rsa-1' };
        const input = handMade(header, validClaims()).slice(0, -1);
        const secret = JSON.stringify(exportJwk(f.keys.rsa.publicKey));
        const signature = createHmac('sha256', secret).update(input).digest('base64url');
        return f.withAssertion(`${input}.${signature}`);
      },
      401,
      'invalid_client',
    ],
    [
      'C5/J2: refuses HS256 keyed with the registered RSA public key (PEM)',
      () => {
        const header = { alg: 'HS256', kid: 'rsa-1' };
        const input = handMade(header, validClaims()).slice(0, -1);
        const pem = f.keys.rsa.publicKey.keyObject.export({ type: 'spki', format: 'pem' });
        const signature = createHmac('sha256', pem).update(input).digest('base64url');
        return f.withAssertion(`${input}.${signature}`);
      },
      401,
      'invalid_client',
    ],
    [
      'C5/J3: refuses ES256 in the header with the kid of the registered RSA key',
      () => f.withAssertion(f.assertion({ key: f.keys.ec.privateKey, header: { kid: 'rsa-1' } })),
      401,
      'invalid_client',
    ],
    [
      'C5/K1: refuses an unknown kid in an inline JWKS',
      () => f.withAssertion(f.assertion({ key: f.keys.rsa.privateKey, header: { kid: 'nobody' } })),
      401,
      'invalid_client',
    ],
    [
      'refuses a wrong client_assertion_type',
      () => ({
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:saml2-bearer',
        client_assertion: f.assertion(),
      }),
      401,
      'invalid_client',
    ],
    [
      'refuses a client assertion without client_assertion_type',
      () => ({ client_assertion: f.assertion() }),
      400,
      'invalid_request',
    ],
    [
      'refuses a client_assertion that is not a JWT',
      () => ({ client_assertion_type: CLIENT_ASSERTION_TYPE, client_assertion: 'not-a-jwt' }),
      401,
      'invalid_client',
    ],
    [
      'refuses a body client_id naming another client than the assertion',
      () => ({ ...f.withAssertion(f.assertion()), client_id: 'pkjwt-remote' }),
      400,
      'invalid_request',
    ],
  ];
  for (const [name, auth, status, error] of refusals) {
    test(name, async () => {
      const response = await f.redeem('pkjwt', auth());
      assert.equal(response.statusCode, status, response.body);
      assert.equal(response.json().error, error);
    });
  }

  test('C5: a key from another client’s registration is refused, whoever signs with it', async () => {
    // The remote client's key signs an assertion for `pkjwt`: pkjwt's JWKS does not hold it.
    const token = f.assertion({ key: f.keys.remote.privateKey, header: { kid: 'rsa-1' } });
    const response = await f.redeem('pkjwt', f.withAssertion(token));
    assert.equal(response.statusCode, 401);
  });

  test('C5: a jwk in the assertion header is never used as the key', async () => {
    const attacker = await generateKeyPair('ES256', { kid: 'attacker' });
    const token = f.assertion({
      key: attacker.privateKey,
      header: { jwk: exportJwk(attacker.publicKey) },
    });
    const response = await f.redeem('pkjwt', f.withAssertion(token));
    assert.equal(response.statusCode, 401);
  });

  test('C5/K1: an unknown kid at a jwks_uri refetches once, then fails closed within the cooldown', async () => {
    const rotated = await generateKeyPair('ES256', { kid: 'remote-2' });
    const sign = () => f.withAssertion(f.assertion({ clientId: 'pkjwt-remote', key: rotated.privateKey }));
    // First use of this client in this test: let the key set load.
    const warm = f.assertion({ clientId: 'pkjwt-remote', key: f.keys.remote.privateKey });
    assert.equal((await f.redeem('pkjwt-remote', f.withAssertion(warm))).statusCode, 200);
    f.clock.advance(60);
    const before = f.fetched.length;
    // The client rotated, but its jwks_uri does not serve the new key yet: one refetch, then reject.
    assert.equal((await f.redeem('pkjwt-remote', sign())).statusCode, 401);
    assert.equal(f.fetched.length - before, 1);
    // Within the cooldown, another unknown-kid assertion causes no fetch at all.
    assert.equal((await f.redeem('pkjwt-remote', sign())).statusCode, 401);
    assert.equal(f.fetched.length - before, 1);
    // After the cooldown, the published new key is found with one more fetch.
    f.setRemoteJwks({ keys: [exportJwk(f.keys.remote.publicKey), exportJwk(rotated.publicKey)] });
    f.clock.advance(31);
    assert.equal((await f.redeem('pkjwt-remote', sign())).statusCode, 200);
    assert.equal(f.fetched.length - before, 2);
  });

  test('discovery advertises private_key_jwt and asymmetric assertion algorithms only', async () => {
    const response = await f.app.inject({ method: 'GET', url: '/.well-known/openid-configuration' });
    const metadata = response.json();
    assert.ok(metadata.token_endpoint_auth_methods_supported.includes('private_key_jwt'));
    const algs: string[] = metadata.token_endpoint_auth_signing_alg_values_supported;
    assert.ok(algs.includes('RS256') && algs.includes('ES256'));
    assert.ok(!algs.some((alg) => alg.startsWith('HS') || alg === 'none'));
  });
});
