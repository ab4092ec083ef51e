import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { test } from 'node:test';
import {
  encodeBase64url,
  exportJwk,
  importJwk,
  importKeyObject,
  isJoseError,
  type JoseErrorCode,
  type Jwk,
  signJws,
  verifyJws,
} from '@latchkey/oidc';
import { testKeyPair } from '../helpers/keys.js';
import { assertJoseError } from '../helpers/tokens.js';

const ec256 = () => testKeyPair('ES256').then((pair) => exportJwk(pair.publicKey));
const rsa = () => testKeyPair('RS256').then((pair) => exportJwk(pair.publicKey));
const oct = (bytes: number): Jwk => ({ kty: 'oct', k: encodeBase64url(new Uint8Array(bytes).fill(7)) });

test('imports public, private and secret JWKs bound to one algorithm', async () => {
  const { privateKey } = await testKeyPair('ES256');
  const publicJwk = exportJwk(privateKey);
  const key = importJwk(publicJwk);
  assert.equal(key.alg, 'ES256');
  assert.equal(key.type, 'public');
  assert.equal(key.kid, privateKey.kid);
  assert.equal(key.use, 'sig');
  assert.ok(Object.isFrozen(key));
  const priv = importJwk(exportJwk(privateKey, { includePrivate: true }));
  assert.equal(priv.type, 'private');
  assert.ok(await verifyJws(signJws({}, 'x', priv), key));
  const secret = importJwk(oct(32), { alg: 'HS256', kid: 'h1' });
  assert.deepEqual([secret.type, secret.alg, secret.kid], ['secret', 'HS256', 'h1']);
});

test('infers the algorithm from the curve (EC, Ed25519) and requires it for RSA and oct', async () => {
  for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA'] as const) {
    const { publicKey } = await testKeyPair(alg);
    const { alg: _omit, ...jwk } = exportJwk(publicKey);
    assert.equal(importJwk(jwk).alg, alg);
  }
  const { alg: _omit, ...rsaJwk } = await rsa();
  await assertJoseError(() => importJwk(rsaJwk), 'ERR_JWK_INVALID');
  assert.equal(importJwk(rsaJwk, { alg: 'PS512' }).alg, 'PS512');
  await assertJoseError(() => importJwk(oct(64)), 'ERR_JWK_INVALID');
});

test('rejects malformed JWKs with ERR_JWK_INVALID naming the member, never its value', async () => {
  const ec = await ec256();
  const cases: [string, unknown][] = [
    ['not an object', 'eyJrdHkiOiJFQyJ9'],
    ['null', null],
    ['array', [ec]],
    ['kty missing', { ...ec, kty: undefined }],
    ['kty not a string', { ...ec, kty: 1 }],
    ['unknown kty', { ...ec, kty: 'EC2' }],
    ['x not a string', { ...ec, x: 12 }],
    ['x padded', { ...ec, x: `${ec.x}=` }],
    ['x standard alphabet', { ...ec, x: `+${ec.x!.slice(1)}` }],
    ['y missing', { ...ec, y: undefined }],
    ['kid not a string', { ...ec, kid: 7 }],
    ['alg unknown', { ...ec, alg: 'ES256K' }],
    ['alg none', { ...ec, alg: 'none' }],
    ['key_ops not an array', { ...ec, key_ops: 'verify' }],
    ['key_ops with a number', { ...ec, key_ops: [1] }],
    ['x not on the curve', { ...ec, x: ec.y }],
    ['multi-prime RSA', { ...(await rsa()), oth: [] }],
    ['alg differs from options', { ...ec, alg: 'ES256' }],
    ['kid differs from options', { ...ec, kid: 'a' }],
  ];
  for (const [name, jwk] of cases) {
    const options =
      name === 'alg differs from options'
        ? { alg: 'ES384' as const }
        : name === 'kid differs from options'
          ? { kid: 'b' }
          : undefined;
    try {
      importJwk(jwk, options);
      assert.fail(`${name}: accepted`);
    } catch (error) {
      assert.ok(isJoseError(error, 'ERR_JWK_INVALID'), `${name}: ${String(error)}`);
      if (typeof ec.x === 'string')
        assert.ok(!error.message.includes(ec.x), `${name}: message leaks key material`);
    }
  }
});

test('rejects keys that cannot serve the algorithm with ERR_KEY_INVALID', async () => {
  const ec = await ec256();
  const { alg: _a, ...rsaJwk } = await rsa();
  const cases: [string, unknown, { alg?: 'ES384' | 'HS256' | 'RS256' | 'EdDSA' }?][] = [
    ['use enc', { ...ec, use: 'enc' }],
    ['key_ops without verify', { ...ec, key_ops: ['encrypt', 'sign'] }],
    ['EC key for ES384', { ...ec, alg: undefined }, { alg: 'ES384' }],
    ['RSA key for HS256', rsaJwk, { alg: 'HS256' }],
    ['oct key for RS256', oct(64), { alg: 'RS256' }],
    ['EC key for EdDSA', { ...ec, alg: undefined }, { alg: 'EdDSA' }],
    ['secp256k1 curve', { ...ec, alg: undefined, crv: 'secp256k1' }],
    ['X25519 without alg', generateKeyPairSync('x25519').publicKey.export({ format: 'jwk' })],
  ];
  for (const [name, jwk, options] of cases) {
    await assertJoseError(() => importJwk(jwk, options), 'ERR_KEY_INVALID').catch((error) => {
      throw new Error(`${name}: ${error}`);
    });
  }
});

test('honours key_ops that allow signatures and ignores unknown members', async () => {
  const ec = await ec256();
  assert.ok(importJwk({ ...ec, key_ops: ['verify'], x5c: ['junk'], ext: true, extra: { a: 1 } }));
  const { privateKey } = await testKeyPair('ES256');
  assert.equal(
    importJwk({ ...exportJwk(privateKey, { includePrivate: true }), key_ops: ['sign'] }).type,
    'private',
  );
});

test('J24: refuses HMAC secrets shorter than the hash and RSA keys under 2048 bits', async () => {
  const weak: [unknown, 'HS256' | 'HS384' | 'HS512' | 'RS256', JoseErrorCode][] = [
    [oct(31), 'HS256', 'ERR_KEY_INVALID'],
    [oct(47), 'HS384', 'ERR_KEY_INVALID'],
    [oct(63), 'HS512', 'ERR_KEY_INVALID'],
    [{ kty: 'oct', k: '' }, 'HS256', 'ERR_KEY_INVALID'],
  ];
  for (const [jwk, alg, code] of weak) await assertJoseError(() => importJwk(jwk, { alg }), code);
  assert.ok(importJwk(oct(32), { alg: 'HS256' }));
  assert.ok(importJwk(oct(64), { alg: 'HS512' }));
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 });
  await assertJoseError(
    () => importJwk(small.publicKey.export({ format: 'jwk' }), { alg: 'RS256' }),
    'ERR_KEY_INVALID',
  );
  await assertJoseError(() => importKeyObject(small.publicKey, 'PS256'), 'ERR_KEY_INVALID');
  await assertJoseError(() => importKeyObject(small.privateKey, 'RS256'), 'ERR_KEY_INVALID');
});

test('J13: refuses huge RSA moduli before parsing them, and huge exponents', async () => {
  const huge = { kty: 'RSA', n: encodeBase64url(new Uint8Array(4096).fill(0xff)), e: 'AQAB' };
  try {
    importJwk(huge, { alg: 'RS256' });
    assert.fail('accepted');
  } catch (error) {
    assert.ok(isJoseError(error, 'ERR_KEY_INVALID'));
    assert.equal(error.cause, undefined, 'refused before OpenSSL saw it');
  }
  const { e: _e, ...base } = await rsa();
  const bigExponent = { ...base, alg: 'RS256', e: encodeBase64url(new Uint8Array(16).fill(0xff)) };
  await assertJoseError(() => importJwk(bigExponent), 'ERR_KEY_INVALID');
});

test('importKeyObject checks its arguments', async () => {
  const { publicKey } = await testKeyPair('ES256');
  await assertJoseError(() => importKeyObject({} as never, 'ES256'), 'ERR_JOSE_INVALID_ARGUMENT');
  await assertJoseError(
    () => importKeyObject(publicKey.keyObject, 'none' as never),
    'ERR_JOSE_INVALID_ARGUMENT',
  );
  await assertJoseError(
    () => importKeyObject(publicKey.keyObject, 'ES256', { kid: 5 as never }),
    'ERR_JOSE_INVALID_ARGUMENT',
  );
  await assertJoseError(
    () => importJwk(exportJwk(publicKey), { alg: 'XX' as never }),
    'ERR_JOSE_INVALID_ARGUMENT',
  );
  assert.equal(importKeyObject(publicKey.keyObject, 'ES256', { kid: 'k' }).kid, 'k');
});
