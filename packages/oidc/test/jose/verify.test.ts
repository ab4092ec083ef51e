import assert from 'node:assert/strict';
import { createHmac, createPublicKey, generateKeyPairSync, sign } from 'node:crypto';
import { test } from 'node:test';
import {
  decodeBase64url,
  encodeBase64url,
  exportJwk,
  importJwk,
  importKeyObject,
  type JoseKey,
  type JwsHeader,
  type KeySet,
  parseCompactJws,
  signJws,
  verifyJws,
  verifySignature,
} from '@latchkey/oidc';
import { testKeyPair } from '../helpers/keys.js';
import { assertJoseError } from '../helpers/tokens.js';

const PAYLOAD = '{"sub":"alice"}';

/** An HS256 token whose HMAC key is `secret`, as an attacker would build it. */
function hmacToken(secret: Uint8Array, header: Record<string, unknown> = { alg: 'HS256' }): string {
  const input = `${encodeBase64url(JSON.stringify(header))}.${encodeBase64url(PAYLOAD)}`;
  return `${input}.${encodeBase64url(createHmac('sha256', secret).update(input).digest())}`;
}

/** Replaces the signature segment of `token`. */
function withSignature(token: string, signature: Uint8Array): string {
  return `${token.slice(0, token.lastIndexOf('.'))}.${encodeBase64url(signature)}`;
}

test('verifies a token and returns its header, payload and key', async () => {
  const { privateKey, publicKey } = await testKeyPair('ES256');
  const token = signJws({ typ: 'JWT' }, PAYLOAD, privateKey);
  const result = await verifyJws(token, publicKey);
  assert.equal(result.header.alg, 'ES256');
  assert.equal(result.header.kid, publicKey.kid);
  assert.equal(result.payload.toString(), PAYLOAD);
  assert.equal(result.key, publicKey);
  // A private key verifies too (its public half is derived once).
  assert.equal((await verifyJws(token, privateKey)).payload.toString(), PAYLOAD);
});

test('resolves the key from a KeySet with the parsed header', async () => {
  const { privateKey, publicKey } = await testKeyPair('EdDSA');
  const seen: JwsHeader[] = [];
  const keySet: KeySet = {
    resolve: async (header) => {
      seen.push(header);
      return publicKey;
    },
  };
  const token = signJws({}, PAYLOAD, privateKey);
  assert.equal((await verifyJws(token, keySet)).key, publicKey);
  assert.deepEqual(seen, [{ alg: 'EdDSA', kid: publicKey.kid }]);
});

test('rejects a token whose algorithm is not in the allowed list, before resolving a key', async () => {
  const { privateKey, publicKey } = await testKeyPair('ES256');
  const token = signJws({}, PAYLOAD, privateKey);
  let resolved = false;
  const keySet: KeySet = {
    resolve: () => {
      resolved = true;
      return publicKey;
    },
  };
  await assertJoseError(
    () => verifyJws(token, keySet, { algorithms: ['RS256', 'EdDSA'] }),
    'ERR_JOSE_ALG_NOT_ALLOWED',
  );
  assert.equal(resolved, false);
  assert.ok(await verifyJws(token, keySet, { algorithms: ['ES256'] }));
});

test('rejects invalid arguments as ERR_JOSE_INVALID_ARGUMENT', async () => {
  const { privateKey, publicKey } = await testKeyPair('ES256');
  const token = signJws({}, PAYLOAD, privateKey);
  for (const algorithms of [[], ['none'], 'ES256', [null]]) {
    await assertJoseError(
      () => verifyJws(token, publicKey, { algorithms: algorithms as never }),
      'ERR_JOSE_INVALID_ARGUMENT',
    );
  }
  await assertJoseError(() => verifyJws(token, null as never), 'ERR_JOSE_INVALID_ARGUMENT');
});

test('rejects a tampered payload and a signature from another key', async () => {
  const { privateKey, publicKey } = await testKeyPair('ES256');
  const other = generateOther();
  const token = signJws({}, PAYLOAD, privateKey);
  const [h, , s] = token.split('.');
  await assertJoseError(
    () => verifyJws(`${h}.${encodeBase64url('{"sub":"admin"}')}.${s}`, publicKey),
    'ERR_JWS_SIGNATURE_INVALID',
  );
  await assertJoseError(() => verifyJws(signJws({}, PAYLOAD, other), publicKey), 'ERR_JWS_SIGNATURE_INVALID');
});

function generateOther(): JoseKey {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return importKeyObject(privateKey, 'ES256');
}

test('checks the signature length of every algorithm family before crypto', async () => {
  for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA', 'RS256', 'PS256', 'HS256'] as const) {
    const { privateKey, publicKey } = await testKeyPair(alg);
    const token = signJws({}, PAYLOAD, privateKey);
    const signature = decodeBase64url(token.slice(token.lastIndexOf('.') + 1));
    await verifyJws(token, publicKey);
    for (const bad of [
      signature.subarray(0, signature.length - 1),
      Buffer.concat([signature, Buffer.from([0])]),
    ]) {
      await assertJoseError(
        () => verifyJws(withSignature(token, bad), publicKey),
        'ERR_JWS_SIGNATURE_INVALID',
      );
    }
  }
});

test('J2: rejects HS256 signed with the RSA public key bytes (PEM, PEM with whitespace, PKCS#1 PEM, JWK)', async () => {
  const { publicKey } = await testKeyPair('RS256');
  const spkiPem = publicKey.keyObject.export({ type: 'spki', format: 'pem' }) as string;
  const pkcs1Pem = publicKey.keyObject.export({ type: 'pkcs1', format: 'pem' }) as string;
  const jwk = JSON.stringify(exportJwk(publicKey));
  const secrets = [spkiPem, `\n  ${spkiPem}`, pkcs1Pem, spkiPem.trim(), jwk].map((text) => Buffer.from(text));
  const keySet: KeySet = { resolve: () => publicKey };
  for (const secret of secrets) {
    const token = hmacToken(secret, { alg: 'HS256', kid: publicKey.kid });
    await assertJoseError(() => verifyJws(token, publicKey), 'ERR_JOSE_ALG_NOT_ALLOWED');
    await assertJoseError(
      () => verifyJws(token, keySet, { algorithms: ['RS256', 'HS256'] }),
      'ERR_JOSE_ALG_NOT_ALLOWED',
    );
  }
  // The RSA key can never become an HMAC key: not by import, not by a hand-made JoseKey.
  await assertJoseError(() => importKeyObject(publicKey.keyObject, 'HS256'), 'ERR_KEY_INVALID');
  await assertJoseError(() => importJwk(exportJwk(publicKey), { alg: 'HS256' }), 'ERR_JWK_INVALID');
  await assertJoseError(
    () => importJwk({ ...exportJwk(publicKey), alg: undefined }, { alg: 'HS256' }),
    'ERR_KEY_INVALID',
  );
  const forged = { ...publicKey, alg: 'HS256' } as JoseKey;
  const token = hmacToken(secrets[0]!);
  await assertJoseError(() => verifySignature(parseCompactJws(token), forged), 'ERR_KEY_INVALID');
});

test('J3: rejects algorithm/key mismatches (ES256 with RSA or P-384, PS256 vs RS256, EdDSA with X25519)', async () => {
  const rs256 = await testKeyPair('RS256');
  const es256 = await testKeyPair('ES256');
  const es384 = await testKeyPair('ES384');
  // A token's alg never re-purposes a key.
  await assertJoseError(
    () => verifyJws(signJws({}, PAYLOAD, es256.privateKey), rs256.publicKey),
    'ERR_JOSE_ALG_NOT_ALLOWED',
  );
  await assertJoseError(
    () => verifyJws(signJws({}, PAYLOAD, es384.privateKey), es256.publicKey),
    'ERR_JOSE_ALG_NOT_ALLOWED',
  );
  // The same RSA key material bound to PS256 cannot verify as RS256 and the reverse.
  const ps256Private = importKeyObject(rs256.privateKey.keyObject, 'PS256');
  await assertJoseError(
    () => verifyJws(signJws({}, PAYLOAD, ps256Private), rs256.publicKey),
    'ERR_JOSE_ALG_NOT_ALLOWED',
  );
  await assertJoseError(
    () =>
      verifyJws(signJws({}, PAYLOAD, rs256.privateKey), importKeyObject(rs256.publicKey.keyObject, 'PS256')),
    'ERR_JOSE_ALG_NOT_ALLOWED',
  );
  // Binding a key to the wrong algorithm fails at import.
  const p384Jwk = exportJwk(es384.publicKey);
  await assertJoseError(() => importJwk({ ...p384Jwk, alg: undefined }, { alg: 'ES256' }), 'ERR_KEY_INVALID');
  await assertJoseError(() => importKeyObject(es384.publicKey.keyObject, 'ES256'), 'ERR_KEY_INVALID');
  await assertJoseError(() => importKeyObject(rs256.publicKey.keyObject, 'ES256'), 'ERR_KEY_INVALID');
  await assertJoseError(
    () => importJwk({ ...exportJwk(rs256.publicKey), alg: undefined }, { alg: 'ES256' }),
    'ERR_KEY_INVALID',
  );
  const x25519 = generateKeyPairSync('x25519').publicKey;
  await assertJoseError(() => importKeyObject(x25519, 'EdDSA'), 'ERR_KEY_INVALID');
  await assertJoseError(
    () => importJwk(x25519.export({ format: 'jwk' }), { alg: 'EdDSA' }),
    'ERR_KEY_INVALID',
  );
  await assertJoseError(() => importJwk(x25519.export({ format: 'jwk' })), 'ERR_KEY_INVALID');
  const ed448 = generateKeyPairSync('ed448').publicKey;
  await assertJoseError(() => importKeyObject(ed448, 'EdDSA'), 'ERR_KEY_INVALID');
});

test('J4: ignores a key embedded in the header (jwk, x5c) and uses only the given key', async () => {
  const ours = await testKeyPair('ES256');
  const attacker = generateOther();
  const attackerJwk = exportJwk(attacker);
  const token = signJws(
    { jwk: attackerJwk, x5c: ['MIIB'], x5t: 'abc', kid: ours.publicKey.kid },
    '{"sub":"admin"}',
    attacker,
  );
  let offered: JwsHeader | undefined;
  const keySet: KeySet = {
    resolve: (header) => {
      offered = header;
      return ours.publicKey;
    },
  };
  await assertJoseError(() => verifyJws(token, keySet), 'ERR_JWS_SIGNATURE_INVALID');
  assert.deepEqual(offered?.jwk, attackerJwk);
  await assertJoseError(() => verifyJws(token, ours.publicKey), 'ERR_JWS_SIGNATURE_INVALID');
});

test('J5: never fetches jku or x5u', async () => {
  const { privateKey, publicKey } = await testKeyPair('ES256');
  const original = globalThis.fetch;
  const fetched: unknown[] = [];
  globalThis.fetch = (async (input: unknown) => {
    fetched.push(input);
    throw new Error('the verifier must never fetch');
  }) as typeof fetch;
  try {
    const headers = [
      { jku: 'http://169.254.169.254/latest/meta-data/' },
      { x5u: 'https://attacker.example/cert.pem' },
      { jku: 'https://attacker.example/jwks.json', x5u: 'http://127.0.0.1:1/' },
    ];
    for (const header of headers) {
      assert.ok(await verifyJws(signJws(header, PAYLOAD, privateKey), publicKey));
      await assertJoseError(
        () => verifyJws(signJws(header, PAYLOAD, generateOther()), publicKey),
        'ERR_JWS_SIGNATURE_INVALID',
      );
    }
  } finally {
    globalThis.fetch = original;
  }
  assert.deepEqual(fetched, []);
});

test('J6: treats kid as an opaque value handed to the key set', async () => {
  const { privateKey, publicKey } = await testKeyPair('ES256');
  const kids = ['../../dev/null', "' OR 1=1--", '/etc/passwd\u0000', '$' + '{jndi:ldap://x}'];
  const map = new Map<string, JoseKey>();
  const keySet: KeySet = {
    resolve: (header) => {
      const key = header.kid === undefined ? undefined : map.get(header.kid);
      if (key === undefined) throw new Error('unknown kid');
      return key;
    },
  };
  for (const kid of kids) {
    await assert.rejects(verifyJws(signJws({ kid }, PAYLOAD, privateKey), keySet), /unknown kid/);
  }
  map.set(kids[0]!, publicKey);
  assert.ok(await verifyJws(signJws({ kid: kids[0] }, PAYLOAD, privateKey), keySet));
  for (const kid of [12, 'k'.repeat(10_000)]) {
    const header = encodeBase64url(JSON.stringify({ alg: 'ES256', kid }));
    await assertJoseError(
      () => verifyJws(`${header}.${encodeBase64url(PAYLOAD)}.${'A'.repeat(86)}`, keySet),
      'ERR_JWS_INVALID',
    );
  }
});

test('J7: rejects ECDSA r=s=0, r or s >= n, DER signatures and wrong lengths', async () => {
  const curves = [
    { alg: 'ES256', size: 32, n: 'ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551' },
    {
      alg: 'ES384',
      size: 48,
      n: 'ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
    },
    {
      alg: 'ES512',
      size: 66,
      n: '01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409',
    },
  ] as const;
  for (const { alg, size, n } of curves) {
    const { privateKey, publicKey } = await testKeyPair(alg);
    const token = signJws({}, PAYLOAD, privateKey);
    const valid = decodeBase64url(token.slice(token.lastIndexOf('.') + 1));
    assert.equal(valid.length, 2 * size);
    const r = valid.subarray(0, size);
    const s = valid.subarray(size);
    const order = Buffer.from(n, 'hex');
    const der = sign(
      alg === 'ES256' ? 'sha256' : alg === 'ES384' ? 'sha384' : 'sha512',
      Buffer.from(token.slice(0, token.lastIndexOf('.'))),
      { key: privateKey.keyObject, dsaEncoding: 'der' },
    );
    const bad = [
      Buffer.alloc(2 * size),
      Buffer.concat([order, s]),
      Buffer.concat([r, order]),
      Buffer.concat([order, order]),
      Buffer.concat([Buffer.alloc(size, 0xff), s]),
      der,
      valid.subarray(1),
      Buffer.concat([Buffer.from([0]), valid]),
    ];
    for (const signature of bad) {
      await assertJoseError(
        () => verifyJws(withSignature(token, signature), publicKey),
        'ERR_JWS_SIGNATURE_INVALID',
      );
    }
  }
});

test('a private JWK exported without private members imports as a public key that verifies', async () => {
  const { privateKey } = await testKeyPair('PS256');
  const publicOnly = importJwk(exportJwk(privateKey));
  assert.equal(publicOnly.type, 'public');
  assert.ok(await verifyJws(signJws({}, PAYLOAD, privateKey), publicOnly));
  assert.deepEqual(
    createPublicKey(privateKey.keyObject).export({ format: 'jwk' }).n,
    exportJwk(publicOnly).n,
  );
});
