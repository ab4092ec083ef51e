import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { before, describe, test } from 'node:test';
import {
  exportJwk,
  generateKeyPair,
  generateSecret,
  type JoseKey,
  type Jwk,
  type JwsHeader,
  LocalKeySet,
  signJwt,
  verifyJwt,
} from '@latchkey/oidc';

const NOW = 1_800_000_000;
const options = { issuer: 'https://id.example.com', audience: 'api', now: () => NOW * 1000 };
const claims = { iss: options.issuer, aud: 'api', exp: NOW + 60 };

let es1: { privateKey: JoseKey; publicKey: JoseKey };
let es2: { privateKey: JoseKey; publicKey: JoseKey };
let ed: { privateKey: JoseKey; publicKey: JoseKey };
let rsa: { privateKey: JoseKey; publicKey: JoseKey };

before(async () => {
  [es1, es2, ed, rsa] = await Promise.all([
    generateKeyPair('ES256', { kid: 'es-1' }),
    generateKeyPair('ES256', { kid: 'es-2' }),
    generateKeyPair('EdDSA', { kid: 'ed-1' }),
    generateKeyPair('PS256', { kid: 'rsa-1' }),
  ]);
});

const kidsOf = (set: LocalKeySet) => set.keys.map((k) => `${k.kid}:${k.alg}`);

describe('K4: fromJwks skips keys it must not use', () => {
  const cases: { name: string; jwk: () => Record<string, unknown>; kept: boolean }[] = [
    { name: 'a public ES256 key is kept', jwk: () => exportJwk(es2.publicKey), kept: true },
    { name: 'use "enc" is skipped', jwk: () => ({ ...exportJwk(es2.publicKey), use: 'enc' }), kept: false },
    {
      name: 'an EC key with d is skipped',
      jwk: () => exportJwk(es2.privateKey, { includePrivate: true }),
      kept: false,
    },
    {
      name: 'an RSA key with p is skipped',
      jwk: () => ({ ...exportJwk(rsa.publicKey), kid: 'es-2', p: 'AQAB' }),
      kept: false,
    },
    {
      name: 'an unsupported kty is skipped',
      jwk: () => ({ kty: 'XYZ', kid: 'es-2', x: 'AQAB' }),
      kept: false,
    },
    {
      name: 'an X25519 (non-signing) curve is skipped',
      jwk: () => ({
        ...(generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' }) as Jwk),
        kid: 'es-2',
      }),
      kept: false,
    },
    {
      name: 'an unknown alg is skipped',
      jwk: () => ({ ...exportJwk(es2.publicKey), alg: 'ES256K' }),
      kept: false,
    },
    { name: 'alg none is skipped', jwk: () => ({ ...exportJwk(es2.publicKey), alg: 'none' }), kept: false },
    {
      name: 'key_ops without verify is skipped',
      jwk: () => ({ ...exportJwk(es2.publicKey), key_ops: ['encrypt'] }),
      kept: false,
    },
    {
      name: 'an alg contradicting the curve is skipped',
      jwk: () => ({ ...exportJwk(es2.publicKey), alg: 'ES384' }),
      kept: false,
    },
    {
      name: 'a non-string kid is skipped',
      jwk: () => ({ ...exportJwk(es2.publicKey), kid: 7 }),
      kept: false,
    },
    {
      name: 'an oct key is skipped by default',
      jwk: () => ({
        kty: 'oct',
        kid: 'es-2',
        k: 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA',
        alg: 'HS256',
      }),
      kept: false,
    },
    {
      name: 'a malformed entry is skipped',
      jwk: () => 'not a key' as unknown as Record<string, unknown>,
      kept: false,
    },
  ];
  for (const c of cases) {
    test(`K4: ${c.name}`, () => {
      const set = LocalKeySet.fromJwks({ keys: [exportJwk(es1.publicKey), c.jwk()] });
      assert.deepEqual(kidsOf(set), c.kept ? ['es-1:ES256', 'es-2:ES256'] : ['es-1:ES256']);
    });
  }

  test('K4: every key sharing a duplicated kid is skipped, the others kept', () => {
    const set = LocalKeySet.fromJwks({
      keys: [exportJwk(es1.publicKey), { ...exportJwk(es2.publicKey), kid: 'ed-1' }, exportJwk(ed.publicKey)],
    });
    assert.deepEqual(kidsOf(set), ['es-1:ES256']);
  });

  test('K4: a document that is not a JWK Set is ERR_JWKS_INVALID', () => {
    for (const doc of [null, [], {}, { keys: {} }, 'keys']) {
      assert.throws(() => LocalKeySet.fromJwks(doc), { code: 'ERR_JWKS_INVALID' });
    }
  });

  test('an RSA JWK without alg is bound to each allowed RSA algorithm', () => {
    const { alg: _alg, ...noAlg } = exportJwk(rsa.publicKey);
    const set = LocalKeySet.fromJwks({ keys: [noAlg] }, { algorithms: ['RS256', 'PS256', 'ES256'] });
    assert.deepEqual(kidsOf(set), ['rsa-1:RS256', 'rsa-1:PS256']);
  });

  test('an oct key is read only when an HS algorithm is asked for', async () => {
    const secret = generateSecret('HS256');
    const set = LocalKeySet.fromJwks(
      { keys: [{ ...exportJwk(secret, { includePrivate: true }), kid: 'h1' }] },
      { algorithms: ['HS256'] },
    );
    assert.deepEqual(kidsOf(set), ['h1:HS256']);
  });

  test('fromJwks checks its algorithms option with a TypeError', () => {
    assert.throws(() => LocalKeySet.fromJwks({ keys: [] }, { algorithms: [] }), TypeError);
    assert.throws(() => LocalKeySet.fromJwks({ keys: [] }, { algorithms: ['none' as 'HS256'] }), TypeError);
  });
});

describe('resolve and select', () => {
  const header = (h: Partial<JwsHeader>): JwsHeader => ({ alg: 'ES256', ...h }) as JwsHeader;

  test('resolves by kid and alg, synchronously', () => {
    const set = new LocalKeySet([es1.publicKey, es2.publicKey, ed.publicKey]);
    assert.equal(set.resolve(header({ kid: 'es-2' })), es2.publicKey);
    assert.equal(set.resolve(header({ alg: 'EdDSA', kid: 'ed-1' })), ed.publicKey);
  });

  test('a known kid with another alg does not match', () => {
    const set = new LocalKeySet([es1.publicKey]);
    assert.throws(() => set.resolve(header({ alg: 'ES384', kid: 'es-1' })), {
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });

  test('without kid, the single key for the alg is used; several are ERR_JWKS_MULTIPLE_MATCHING_KEYS', () => {
    assert.equal(new LocalKeySet([es1.publicKey, ed.publicKey]).resolve(header({})), es1.publicKey);
    assert.throws(() => new LocalKeySet([es1.publicKey, es2.publicKey]).resolve(header({})), {
      code: 'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
    });
    assert.throws(() => new LocalKeySet([ed.publicKey]).resolve(header({})), {
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });

  test('J6: kid is an opaque map key: injection-shaped kids match nothing', () => {
    const set = new LocalKeySet([es1.publicKey]);
    for (const kid of [
      '../../dev/null',
      "' OR 1=1--",
      'es-1\u0000',
      'ES-1',
      ' es-1',
      'x'.repeat(256),
      '__proto__',
      'constructor',
    ]) {
      assert.throws(() => set.resolve(header({ kid })), { code: 'ERR_JWKS_NO_MATCHING_KEY' }, kid);
    }
  });

  test('select filters by kid, alg, kty and use', () => {
    const set = new LocalKeySet([es1.publicKey, es2.publicKey, ed.publicKey]);
    assert.deepEqual(set.select({ alg: 'ES256' }), [es1.publicKey, es2.publicKey]);
    assert.deepEqual(set.select({ kty: 'OKP' }), [ed.publicKey]);
    assert.deepEqual(set.select({ kid: 'es-2', use: 'sig' }), [es2.publicKey]);
    assert.deepEqual(set.select({ kid: 'nope' }), []);
    assert.equal(set.select().length, 3);
  });

  test('the constructor refuses two keys with the same kid and alg', () => {
    assert.throws(() => new LocalKeySet([es1.publicKey, { ...es2.publicKey, kid: 'es-1' }]), TypeError);
  });

  test('verifyJwt verifies against a LocalKeySet read from a JWKS', async () => {
    const set = LocalKeySet.fromJwks({ keys: [exportJwk(es1.publicKey), exportJwk(ed.publicKey)] });
    const { claims: verified, key } = await verifyJwt(signJwt(claims, ed.privateKey), set, options);
    assert.deepEqual(verified, claims);
    assert.equal(key.kid, 'ed-1');
    await assert.rejects(verifyJwt(signJwt(claims, es2.privateKey), set, options), {
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
  });
});
