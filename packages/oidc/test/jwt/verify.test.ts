import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  createJwtVerifier,
  decodeBase64url,
  generateKeyPair,
  generateSecret,
  type JoseKey,
  type JwtClaims,
  LocalKeySet,
  signJws,
  signJwt,
  verifyJwt,
} from '@latchkey/oidc';

const NOW = 1_800_000_000;
const ISSUER = 'https://id.example.com';
const options = { issuer: ISSUER, audience: 'api', now: () => NOW * 1000 };
const claims = { iss: ISSUER, aud: 'api', sub: 'user-1', iat: NOW, exp: NOW + 300 };

let es: { privateKey: JoseKey; publicKey: JoseKey };
let other: { privateKey: JoseKey; publicKey: JoseKey };
let ed: { privateKey: JoseKey; publicKey: JoseKey };

before(async () => {
  [es, other, ed] = await Promise.all([
    generateKeyPair('ES256', { kid: 'es' }),
    generateKeyPair('ES256', { kid: 'es' }),
    generateKeyPair('EdDSA', { kid: 'ed' }),
  ]);
});

const decodeHeader = (token: string) => JSON.parse(decodeBase64url(token.split('.')[0]!).toString());

describe('signJwt', () => {
  test('writes alg and kid from the key, typ when asked, and the claims once', () => {
    const token = signJwt(claims, es.privateKey, { typ: 'at+jwt', header: { x: 1 } });
    assert.deepEqual(decodeHeader(token), { alg: 'ES256', x: 1, kid: 'es', typ: 'at+jwt' });
    assert.deepEqual(JSON.parse(decodeBase64url(token.split('.')[1]!).toString()), claims);
  });

  test('refuses claims that are not an object and a public key', () => {
    assert.throws(() => signJwt([] as unknown as Record<string, unknown>, es.privateKey), {
      code: 'ERR_JOSE_INVALID_ARGUMENT',
    });
    assert.throws(() => signJwt(claims, es.publicKey), { code: 'ERR_KEY_INVALID' });
    assert.throws(() => signJwt(claims, es.privateKey, { typ: '' }), TypeError);
  });
});

describe('verifyJwt', () => {
  test('verifies a signed token and returns claims, header and key, typed', async () => {
    interface AccessClaims extends JwtClaims {
      scope: string;
    }
    const token = signJwt({ ...claims, scope: 'read' }, ed.privateKey, { typ: 'at+jwt' });
    const result = await verifyJwt<AccessClaims>(token, ed.publicKey, { ...options, typ: 'at+jwt' });
    const scope: string = result.claims.scope;
    assert.equal(scope, 'read');
    assert.equal(result.header.typ, 'at+jwt');
    assert.equal(result.key, ed.publicKey);
  });

  test('verifies HS256 with a secret key', async () => {
    const secret = generateSecret('HS256');
    const { claims: verified } = await verifyJwt(signJwt(claims, secret), secret, options);
    assert.deepEqual(verified, claims);
  });

  const failures: { name: string; token: () => string; key?: () => JoseKey; extra?: object; code: string }[] =
    [
      {
        name: 'a signature by another key',
        token: () => signJwt(claims, other.privateKey),
        code: 'ERR_JWS_SIGNATURE_INVALID',
      },
      {
        name: 'an algorithm outside the allowed list',
        token: () => signJwt(claims, es.privateKey),
        extra: { algorithms: ['EdDSA'] },
        code: 'ERR_JOSE_ALG_NOT_ALLOWED',
      },
      {
        name: 'a token whose alg is not the key algorithm',
        token: () => signJwt(claims, ed.privateKey),
        code: 'ERR_JOSE_ALG_NOT_ALLOWED',
      },
      {
        name: 'J14: a nested JWT',
        token: () => signJwt(claims, es.privateKey, { header: { cty: 'JWT' } }),
        code: 'ERR_JOSE_NOT_SUPPORTED',
      },
      {
        name: 'J15: an expired token',
        token: () => signJwt({ ...claims, exp: NOW - 60 }, es.privateKey),
        code: 'ERR_JWT_EXPIRED',
      },
      {
        name: 'J15: exp 1e400',
        token: () => signJws({}, `{"iss":"${ISSUER}","aud":"api","exp":1e400}`, es.privateKey),
        code: 'ERR_JWT_INVALID',
      },
      {
        name: 'J18: another issuer',
        token: () => signJwt({ ...claims, iss: `${ISSUER}/` }, es.privateKey),
        code: 'ERR_JWT_CLAIM_INVALID',
      },
      {
        name: 'J19: another audience',
        token: () => signJwt({ ...claims, aud: ['other'] }, es.privateKey),
        code: 'ERR_JWT_CLAIM_INVALID',
      },
      {
        name: 'J21: an ID token where at+jwt is required',
        token: () => signJwt(claims, es.privateKey, { typ: 'JWT' }),
        extra: { typ: 'at+jwt' },
        code: 'ERR_JWT_CLAIM_INVALID',
      },
      {
        name: 'a payload that is a JSON array',
        token: () => signJws({}, '[1]', es.privateKey),
        code: 'ERR_JWT_INVALID',
      },
      {
        name: 'a payload that is not JSON',
        token: () => signJws({}, 'not json', es.privateKey),
        code: 'ERR_JWT_INVALID',
      },
      {
        name: 'a payload that is not UTF-8',
        token: () => signJws({}, new Uint8Array([0x7b, 0xff, 0x7d]), es.privateKey),
        code: 'ERR_JWT_INVALID',
      },
      {
        name: 'a payload with duplicate claims',
        token: () => signJws({}, `{"sub":"a","sub":"b","exp":${NOW + 60}}`, es.privateKey),
        code: 'ERR_JWT_INVALID',
      },
      {
        name: 'a token over maxTokenSize',
        token: () => signJwt({ ...claims, pad: 'x'.repeat(200) }, es.privateKey),
        extra: { maxTokenSize: 256 },
        code: 'ERR_JWS_INVALID',
      },
      { name: 'a malformed token', token: () => 'a.b', code: 'ERR_JWS_INVALID' },
      {
        name: 'a key set without the kid',
        token: () => signJwt(claims, es.privateKey, { header: { kid: 'missing' } }),
        key: () => new LocalKeySet([es.publicKey]) as unknown as JoseKey,
        code: 'ERR_JWKS_NO_MATCHING_KEY',
      },
    ];
  for (const f of failures) {
    test(`rejects ${f.name} with ${f.code}`, async () => {
      const key = f.key?.() ?? es.publicKey;
      await assert.rejects(verifyJwt(f.token(), key, { ...options, ...f.extra }), { code: f.code });
    });
  }

  test('rejects bad options with a TypeError (a rejected promise, never a throw)', async () => {
    const token = signJwt(claims, es.privateKey);
    for (const bad of [
      { algorithms: [] },
      { algorithms: ['none'] },
      { maxTokenSize: -1 },
      { clockTolerance: 'a while' },
    ]) {
      const result = verifyJwt(token, es.publicKey, { ...options, ...(bad as object) });
      await assert.rejects(result, TypeError, JSON.stringify(bad));
    }
    await assert.rejects(verifyJwt(token, null as unknown as JoseKey, options), {
      code: 'ERR_JOSE_INVALID_ARGUMENT',
    });
  });

  test('reusing one options object sees every change made to it, arrays included', async () => {
    const token = signJwt(claims, es.privateKey);
    const audience = ['api'];
    const reused: Record<string, unknown> = { ...options, audience };
    await verifyJwt(token, es.publicKey, reused);
    audience[0] = 'other';
    await assert.rejects(verifyJwt(token, es.publicKey, reused), { code: 'ERR_JWT_CLAIM_INVALID' });
    reused.audience = 'api';
    await verifyJwt(token, es.publicKey, reused);
    reused.issuer = 'https://elsewhere.example.com';
    await assert.rejects(verifyJwt(token, es.publicKey, reused), { code: 'ERR_JWT_CLAIM_INVALID' });
    delete reused.issuer;
    await verifyJwt(token, es.publicKey, reused);
    reused.typ = 'at+jwt';
    await assert.rejects(verifyJwt(token, es.publicKey, reused), { code: 'ERR_JWT_CLAIM_INVALID' });
  });

  test('createJwtVerifier checks options once and verifies many tokens', async () => {
    assert.throws(() => createJwtVerifier({ audience: [] }), TypeError);
    const verifier = createJwtVerifier({ ...options, algorithms: ['ES256', 'EdDSA'] });
    for (const key of [es, ed]) {
      assert.deepEqual(
        (await verifier.verify(signJwt(claims, key.privateKey), key.publicKey)).claims,
        claims,
      );
    }
  });

  test('a key resolved later still checks the token it was asked for while other tokens verify meanwhile', async () => {
    // Tokens are decoded into one reused buffer; a key set that answers asynchronously lets other
    // verifications write over it before the signature is checked.
    const later = { resolve: () => new Promise<JoseKey>((done) => setImmediate(() => done(es.publicKey))) };
    const genuine = signJwt({ ...claims, sub: 'genuine' }, es.privateKey);
    const forged = signJwt({ ...claims, sub: 'forged' }, other.privateKey);
    const pending = [verifyJwt(genuine, later, options), verifyJwt(forged, later, options)];
    for (let i = 0; i < 5; i++) {
      assert.equal(
        (await verifyJwt(signJwt(claims, ed.privateKey), ed.publicKey, options)).claims.sub,
        'user-1',
      );
    }
    assert.equal((await pending[0]!).claims.sub, 'genuine');
    await assert.rejects(pending[1]!, { code: 'ERR_JWS_SIGNATURE_INVALID' });
  });

  test('a claims set that holds U+FFFD itself is valid UTF-8 and verifies', async () => {
    const token = signJwt({ ...claims, name: 'Replacement \uFFFD, Ωmega' }, es.privateKey);
    assert.equal((await verifyJwt(token, es.publicKey, options)).claims.name, 'Replacement \uFFFD, Ωmega');
  });

  test('claims are read only from an authentic token: a bad signature wins over bad claims', async () => {
    const token = signJwt({ ...claims, exp: NOW - 3600, iss: 'evil' }, other.privateKey);
    await assert.rejects(verifyJwt(token, es.publicKey, options), { code: 'ERR_JWS_SIGNATURE_INVALID' });
  });
});
