/**
 * Checklist rows whose provider-side behaviour is not already the subject of a flow's own suite:
 * J7 and J17 (signatures and clock skew on what the provider verifies), J24 (key strength on both
 * sides) and A9 (an injected code is useless without the victim's PKCE verifier).
 */
import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { decodeBase64url, encodeBase64url, exportJwk, importKeyObject } from '@latchkey/oidc';
import { createClient } from '@latchkey/provider';
import { type PrivateKeyJwtFixture, privateKeyJwtFixture } from '../private-key-jwt/fixture.js';

let f: PrivateKeyJwtFixture;
before(async () => {
  f = await privateKeyJwtFixture();
});
after(() => f.close());

/** Re-signs an ES256 assertion's signing input with a DER (not raw r‖s) signature. */
function derSigned(token: string): string {
  const input = token.slice(0, token.lastIndexOf('.'));
  const der = sign('sha256', Buffer.from(input), f.keys.ec.privateKey.keyObject);
  return `${input}.${encodeBase64url(der)}`;
}

describe('J7: ECDSA signatures on client assertions', () => {
  test('J7: a genuine ES256 assertion with a raw 64-byte r‖s signature is accepted', async () => {
    const token = f.assertion({ key: f.keys.ec.privateKey });
    assert.equal(decodeBase64url(token.split('.')[2]!).length, 64);
    assert.equal((await f.redeem('pkjwt', f.withAssertion(token))).statusCode, 200);
  });

  test('J7: the same assertion signed DER-encoded is refused', async () => {
    const token = derSigned(f.assertion({ key: f.keys.ec.privateKey }));
    const response = await f.redeem('pkjwt', f.withAssertion(token));
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error, 'invalid_client');
  });

  test('J7: the "psychic signature" r = s = 0 is refused', async () => {
    const token = f.assertion({ key: f.keys.ec.privateKey });
    const forged = `${token.slice(0, token.lastIndexOf('.'))}.${encodeBase64url(Buffer.alloc(64))}`;
    assert.equal((await f.redeem('pkjwt', f.withAssertion(forged))).statusCode, 401);
  });
});

describe('J17: clock skew on client assertions', () => {
  test('J17: an assertion that expired 10 s ago is still accepted (small leeway for skewed clocks)', async () => {
    const token = f.assertion({ claims: { iat: f.clock.now() - 70, exp: f.clock.now() - 10 } });
    assert.equal((await f.redeem('pkjwt', f.withAssertion(token))).statusCode, 200);
  });

  test('J17: an assertion that expired 90 s ago is refused (the leeway stays small)', async () => {
    const token = f.assertion({ claims: { iat: f.clock.now() - 150, exp: f.clock.now() - 90 } });
    assert.equal((await f.redeem('pkjwt', f.withAssertion(token))).statusCode, 401);
  });
});

describe('J24: weak keys', () => {
  test('J24: every RSA key the provider publishes has a modulus of at least 2048 bits', async () => {
    const response = await f.app.inject({ method: 'GET', url: '/jwks' });
    const rsaKeys = (response.json() as { keys: { kty: string; n?: string }[] }).keys.filter(
      (k) => k.kty === 'RSA',
    );
    assert.ok(rsaKeys.length > 0);
    for (const key of rsaKeys) assert.ok(decodeBase64url(key.n!).length * 8 >= 2048);
  });

  test('J24: a client registering a 1024-bit RSA key cannot authenticate with it', async () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const { n, e } = weak.publicKey.export({ format: 'jwk' });
    const jwk = { kty: 'RSA', n, e, kid: 'weak-1', alg: 'RS256', use: 'sig' };
    await createClient(
      f.stores,
      {
        name: 'weak',
        clientId: 'weak',
        redirectUris: ['https://rp.example/callback'],
        scopes: ['openid'],
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: { keys: [jwk] },
      },
      { now: f.clock.now },
    ).catch(() => undefined); // refusing the registration outright is also correct
    const header = encodeBase64url(JSON.stringify({ alg: 'RS256', kid: 'weak-1' }));
    const now = f.clock.now();
    const claims = encodeBase64url(
      JSON.stringify({
        iss: 'weak',
        sub: 'weak',
        aud: f.config.issuer,
        iat: now,
        exp: now + 60,
        jti: randomBytes(8).toString('hex'),
      }),
    );
    const signature = encodeBase64url(sign('sha256', Buffer.from(`${header}.${claims}`), weak.privateKey));
    const response = await f.redeem('weak', f.withAssertion(`${header}.${claims}.${signature}`));
    assert.equal(response.statusCode, 401);
  });

  test('J24: the library will not even import a 1024-bit RSA key to sign with', () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    assert.throws(() => importKeyObject(privateKey, 'RS256'), { code: 'ERR_KEY_INVALID' });
    assert.ok(exportJwk); // the import above is the whole check
  });
});

describe('A9: authorization code injection', () => {
  test('A9: a code stolen from a victim and replayed by an attacker without the victim’s PKCE verifier is refused', async () => {
    // `redeem` records a code bound to a PKCE challenge, as /authorize does. The attacker has the code
    // (injected into their own session) but not the verifier that only the victim's client holds.
    const response = await f.redeem(
      'web',
      {
        code_verifier: createHash('sha256').update('attacker guess').digest('base64url'),
      },
      { authorization: `Basic ${Buffer.from(`web:${f.webSecret}`).toString('base64')}` },
    );
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'invalid_grant');
  });
});
