import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ALGORITHM_NAMES, decodeBase64url, parseCompactJws, signJws, verifyJws } from '@latchkey/oidc';
import { testKeyPair } from '../helpers/keys.js';
import { assertJoseError } from '../helpers/tokens.js';

test('signs with every algorithm, and the result verifies', async () => {
  for (const alg of ALGORITHM_NAMES) {
    const { privateKey, publicKey } = await testKeyPair(alg);
    const token = signJws({ typ: 'JWT' }, new Uint8Array([1, 2, 3]), privateKey);
    const { header, payload } = await verifyJws(token, publicKey);
    assert.deepEqual({ ...header }, { alg, typ: 'JWT', kid: publicKey.kid });
    assert.deepEqual(payload, Buffer.from([1, 2, 3]));
    const signature = parseCompactJws(token).signature;
    if (privateKey.spec.signatureLength !== undefined)
      assert.equal(signature.length, privateKey.spec.signatureLength);
  }
});

test('writes alg first, keeps the caller order and the caller kid', async () => {
  const { privateKey } = await testKeyPair('HS256');
  const token = signJws({ typ: 'at+jwt', kid: 'mine', alg: 'HS256' }, 'x', privateKey);
  const json = decodeBase64url(token.split('.')[0]!).toString();
  assert.equal(json, '{"alg":"HS256","typ":"at+jwt","kid":"mine"}');
});

test('refuses header member names the verifier would reject, without touching any prototype', async () => {
  const { privateKey } = await testKeyPair('HS256');
  for (const json of ['{"__proto__":{"polluted":true}}', '{"constructor":{}}', '{"prototype":1}']) {
    const header = JSON.parse(json) as Record<string, unknown>;
    await assertJoseError(() => signJws(header, 'x', privateKey), 'ERR_JOSE_INVALID_ARGUMENT');
  }
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('refuses a header naming another algorithm, crit or b64, a public key, and bad arguments', async () => {
  const { privateKey, publicKey } = await testKeyPair('ES256');
  await assertJoseError(() => signJws({ alg: 'HS256' }, 'x', privateKey), 'ERR_JOSE_INVALID_ARGUMENT');
  await assertJoseError(() => signJws({ alg: 'none' }, 'x', privateKey), 'ERR_JOSE_INVALID_ARGUMENT');
  await assertJoseError(() => signJws({ crit: ['exp'] }, 'x', privateKey), 'ERR_JOSE_NOT_SUPPORTED');
  await assertJoseError(() => signJws({ b64: false }, 'x', privateKey), 'ERR_JOSE_NOT_SUPPORTED');
  await assertJoseError(() => signJws({}, 'x', publicKey), 'ERR_KEY_INVALID');
  await assertJoseError(() => signJws(null as never, 'x', privateKey), 'ERR_JOSE_INVALID_ARGUMENT');
  await assertJoseError(() => signJws({}, 42 as never, privateKey), 'ERR_JOSE_INVALID_ARGUMENT');
});

test('produces ECDSA signatures as raw r||s and PSS signatures that verify with salt = hash length', async () => {
  const { createPublicKey, verify, constants } = await import('node:crypto');
  const es = await testKeyPair('ES384');
  const esToken = signJws({}, 'x', es.privateKey);
  const esParsed = parseCompactJws(esToken);
  assert.equal(esParsed.signature.length, 96);
  assert.ok(
    verify(
      'sha384',
      Buffer.from(esParsed.signingInput),
      { key: es.publicKey.keyObject, dsaEncoding: 'ieee-p1363' },
      esParsed.signature,
    ),
  );
  const ps = await testKeyPair('PS256');
  const psParsed = parseCompactJws(signJws({}, 'x', ps.privateKey));
  const pssKey = { key: createPublicKey(ps.privateKey.keyObject), padding: constants.RSA_PKCS1_PSS_PADDING };
  assert.ok(
    verify('sha256', Buffer.from(psParsed.signingInput), { ...pssKey, saltLength: 32 }, psParsed.signature),
  );
  assert.ok(
    !verify('sha256', Buffer.from(psParsed.signingInput), { ...pssKey, saltLength: 20 }, psParsed.signature),
  );
});
