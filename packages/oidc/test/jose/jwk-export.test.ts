import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ALGORITHM_NAMES,
  exportJwk,
  generateKeyPair,
  generateSecret,
  importJwk,
  jwkThumbprint,
} from '@latchkey/oidc';
import { testKeyPair } from '../helpers/keys.js';
import { assertJoseError } from '../helpers/tokens.js';

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'];

test('exports public members only by default, with kid, alg and use', async () => {
  for (const alg of ALGORITHM_NAMES.filter((a) => !a.startsWith('HS'))) {
    const { privateKey, publicKey } = await testKeyPair(alg);
    const fromPrivate = exportJwk(privateKey);
    assert.deepEqual(fromPrivate, exportJwk(publicKey));
    for (const member of PRIVATE_MEMBERS)
      assert.equal(fromPrivate[member], undefined, `${alg} leaks ${member}`);
    assert.equal(fromPrivate.kid, publicKey.kid);
    assert.equal(fromPrivate.alg, alg);
    assert.equal(fromPrivate.use, 'sig');
    const full = exportJwk(privateKey, { includePrivate: true });
    assert.equal(typeof full.d, 'string');
    assert.equal(importJwk(full).type, 'private');
  }
});

test('exports a secret key only with includePrivate', async () => {
  const secret = generateSecret('HS384', { kid: 's' });
  await assertJoseError(() => exportJwk(secret), 'ERR_KEY_INVALID');
  const jwk = exportJwk(secret, { includePrivate: true });
  assert.deepEqual(Object.keys(jwk).sort(), ['alg', 'k', 'kid', 'kty', 'use']);
  assert.equal(Buffer.from(jwk.k!, 'base64url').length, 48);
});

test('computes RFC 7638 thumbprints from required members only (RFC 7638 §3.1 example)', () => {
  const example = {
    kty: 'RSA',
    n: '0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw',
    e: 'AQAB',
    alg: 'RS256',
    kid: '2011-04-29',
  };
  assert.equal(jwkThumbprint(example), 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs');
  assert.equal(jwkThumbprint({ ...example, use: 'sig', d: 'ignored' }), jwkThumbprint(example));
  assert.equal(jwkThumbprint(example, 'sha512').length, 86);
});

test('thumbprints of a JoseKey are those of its public JWK', async () => {
  const { privateKey, publicKey } = await testKeyPair('ES256');
  assert.equal(jwkThumbprint(privateKey), jwkThumbprint(exportJwk(publicKey)));
  const secret = generateSecret('HS256');
  assert.equal(jwkThumbprint(secret), secret.kid);
});

test('refuses thumbprints of malformed JWKs and unknown digests', async () => {
  await assertJoseError(() => jwkThumbprint({ kty: 'RSA', n: 'AQAB' }), 'ERR_JWK_INVALID');
  await assertJoseError(() => jwkThumbprint({ kty: 'XYZ' }), 'ERR_JWK_INVALID');
  await assertJoseError(
    () => jwkThumbprint({ kty: 'oct', k: 'AA' }, 'md5' as never),
    'ERR_JOSE_INVALID_ARGUMENT',
  );
});

test('generates key pairs whose kid defaults to the thumbprint, and honours kid and modulusLength', async () => {
  const pair = await generateKeyPair('RS384', { modulusLength: 3072, kid: 'rotation-7' });
  assert.equal(pair.privateKey.kid, 'rotation-7');
  assert.equal(pair.publicKey.keyObject.asymmetricKeyDetails?.modulusLength, 3072);
  const ed = await generateKeyPair('EdDSA');
  assert.equal(ed.publicKey.kid, jwkThumbprint(exportJwk(ed.publicKey)));
  assert.equal(ed.privateKey.type, 'private');
  assert.equal(ed.publicKey.type, 'public');
});

test('refuses to generate weak or unsuitable keys', async () => {
  await assertJoseError(() => generateKeyPair('HS256'), 'ERR_JOSE_INVALID_ARGUMENT');
  await assertJoseError(() => generateKeyPair('none' as never), 'ERR_JOSE_INVALID_ARGUMENT');
  await assertJoseError(() => generateKeyPair('RS256', { modulusLength: 1024 }), 'ERR_JOSE_INVALID_ARGUMENT');
  await assertJoseError(
    () => generateKeyPair('RS256', { modulusLength: 2048.5 }),
    'ERR_JOSE_INVALID_ARGUMENT',
  );
  await assertJoseError(() => generateSecret('RS256' as never), 'ERR_JOSE_INVALID_ARGUMENT');
});

test('generates and exports 30 RSA key pairs in a row without deadlocking', async () => {
  const kids = new Set<string>();
  for (let i = 0; i < 30; i++) {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const jwk = exportJwk(privateKey, { includePrivate: true });
    assert.equal(typeof jwk.d, 'string');
    assert.equal(exportJwk(publicKey).n, jwk.n);
    kids.add(publicKey.kid!);
  }
  assert.equal(kids.size, 30);
});
