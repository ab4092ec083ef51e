import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  createJwtVerifier,
  generateKeyPair,
  type JoseKey,
  type JwsHeader,
  type KeySet,
  LocalKeySet,
  signJwt,
} from '@latchkey/oidc';
import { assertJoseError } from '../helpers/tokens.js';

const NOW = 1_800_000_000;
const ISSUER = 'https://id.example.com';
const claims = { iss: ISSUER, aud: 'api', sub: 'user-1', iat: NOW, exp: NOW + 300 };

let es: { privateKey: JoseKey; publicKey: JoseKey };
let rotated: { privateKey: JoseKey; publicKey: JoseKey };

before(async () => {
  [es, rotated] = await Promise.all([
    generateKeyPair('ES256', { kid: 'es' }),
    generateKeyPair('ES256', { kid: 'next' }),
  ]);
});

/** A verifier with a cache and a clock the test moves (seconds). */
function cachedVerifier(maxEntries = 8) {
  const clock = { now: NOW };
  const verifier = createJwtVerifier({
    issuer: ISSUER,
    audience: 'api',
    now: () => clock.now * 1000,
    cache: { maxEntries },
  });
  return { verifier, clock };
}

/** A key set whose keys the test can take away, as a rotation or a compromise would. */
class MutableKeySet implements KeySet {
  keys: JoseKey[];
  constructor(keys: JoseKey[]) {
    this.keys = keys;
  }
  resolve(header: JwsHeader): JoseKey {
    return new LocalKeySet(this.keys).resolve(header);
  }
}

describe('JwtVerifier cache', () => {
  test('a token verified once is answered from the cache: the same frozen claims object', async () => {
    const { verifier } = cachedVerifier();
    const keys = new LocalKeySet([es.publicKey]);
    const token = signJwt(claims, es.privateKey);
    const first = await verifier.verify(token, keys);
    const second = await verifier.verify(token, keys);
    assert.equal(second.claims, first.claims);
    assert.ok(Object.isFrozen(second.claims));
    assert.throws(() => {
      (second.claims as Record<string, unknown>).sub = 'mallory';
    }, TypeError);
  });

  test('without the option nothing is cached or frozen', async () => {
    const verifier = createJwtVerifier({ issuer: ISSUER, audience: 'api', now: () => NOW * 1000 });
    const keys = new LocalKeySet([es.publicKey]);
    const token = signJwt(claims, es.privateKey);
    const first = await verifier.verify(token, keys);
    const second = await verifier.verify(token, keys);
    assert.notEqual(second.claims, first.claims);
    assert.equal(Object.isFrozen(first.claims), false);
  });

  test('J15: a cached token is refused once it expires: time claims are checked on every use', async () => {
    const { verifier, clock } = cachedVerifier();
    const keys = new LocalKeySet([es.publicKey]);
    const token = signJwt(claims, es.privateKey);
    await verifier.verify(token, keys);
    clock.now = claims.exp + 31; // past exp and the default 30 s tolerance
    await assertJoseError(() => verifier.verify(token, keys), 'ERR_JWT_EXPIRED');
  });

  test('K5 (verifier side): a cached token is refused once its key leaves the key set', async () => {
    const { verifier } = cachedVerifier();
    const keys = new MutableKeySet([es.publicKey, rotated.publicKey]);
    const token = signJwt(claims, es.privateKey);
    await verifier.verify(token, keys);
    keys.keys = [rotated.publicKey];
    await assertJoseError(() => verifier.verify(token, keys), 'ERR_JWKS_NO_MATCHING_KEY');
  });

  test('a hit needs the same key set: another set verifies the token from scratch', async () => {
    const { verifier } = cachedVerifier();
    const token = signJwt(claims, es.privateKey);
    await verifier.verify(token, new LocalKeySet([es.publicKey]));
    await assertJoseError(
      () => verifier.verify(token, new LocalKeySet([rotated.publicKey])),
      'ERR_JWKS_NO_MATCHING_KEY',
    );
  });

  test('a token differing only in its signature is not a hit', async () => {
    const { verifier } = cachedVerifier();
    const keys = new LocalKeySet([es.publicKey]);
    const token = signJwt(claims, es.privateKey);
    await verifier.verify(token, keys);
    const [header, payload] = token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(86)}`;
    await assertJoseError(() => verifier.verify(forged, keys), 'ERR_JWS_SIGNATURE_INVALID');
  });

  test('J19: failures are not remembered: a token refused for its audience stays refused', async () => {
    const { verifier } = cachedVerifier();
    const keys = new LocalKeySet([es.publicKey]);
    const token = signJwt({ ...claims, aud: 'other' }, es.privateKey);
    await assertJoseError(() => verifier.verify(token, keys), 'ERR_JWT_CLAIM_INVALID');
    await assertJoseError(() => verifier.verify(token, keys), 'ERR_JWT_CLAIM_INVALID');
  });

  test('holds at most maxEntries tokens, forgetting the oldest first', async () => {
    const { verifier } = cachedVerifier(2);
    const keys = new LocalKeySet([es.publicKey]);
    const tokens = ['a', 'b', 'c'].map((sub) => signJwt({ ...claims, sub }, es.privateKey));
    const first = await Promise.all(tokens.map((token) => verifier.verify(token, keys)));
    assert.equal((await verifier.verify(tokens[2]!, keys)).claims, first[2]!.claims, 'the newest is kept');
    assert.notEqual((await verifier.verify(tokens[0]!, keys)).claims, first[0]!.claims, 'the oldest is gone');
  });

  test('maxEntries must be a positive integer', () => {
    for (const maxEntries of [0, -1, 1.5, Number.NaN]) {
      assert.throws(
        () => createJwtVerifier({ issuer: ISSUER, cache: { maxEntries } }),
        /cache.maxEntries must be a positive integer/,
      );
    }
  });
});

describe('JwtVerifier cache slots', () => {
  test("a token ending like a cached one (the cached token's signature on other claims) is verified in full", async () => {
    const { verifier } = cachedVerifier();
    const keys = new LocalKeySet([es.publicKey]);
    const token = signJwt(claims, es.privateKey);
    const genuine = await verifier.verify(token, keys);
    const [header, , signature] = token.split('.');
    const otherPayload = Buffer.from(JSON.stringify({ ...claims, sub: 'root' })).toString('base64url');
    await assertJoseError(
      () => verifier.verify(`${header}.${otherPayload}.${signature}`, keys),
      'ERR_JWS_SIGNATURE_INVALID',
    );
    assert.equal(
      (await verifier.verify(token, keys)).claims,
      genuine.claims,
      'the genuine token stays cached',
    );
  });
});
