import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { Jwk, JwkSet } from '@latchkey/oidc';
import { assertPublishableJwks, UnpublishableJwksError } from '@latchkey/provider';

const rsa: Jwk = { kty: 'RSA', kid: 'r1', alg: 'RS256', use: 'sig', n: 'AQAB-modulus', e: 'AQAB' };
const ec: Jwk = { kty: 'EC', kid: 'e1', alg: 'ES256', use: 'sig', crv: 'P-256', x: 'xx', y: 'yy' };
const ed: Jwk = { kty: 'OKP', kid: 'd1', alg: 'EdDSA', crv: 'Ed25519', x: 'xx' };

describe('assertPublishableJwks', () => {
  test('accepts public RSA, EC and OKP signing keys with unique kids', () => {
    assertPublishableJwks({ keys: [rsa, ec, ed] });
  });

  const bad: { name: string; jwks: unknown; message: RegExp }[] = [
    { name: 'an RSA private exponent', jwks: { keys: [{ ...rsa, d: 'secret' }] }, message: /"d"/ },
    { name: 'RSA CRT members', jwks: { keys: [{ ...rsa, p: 'secret', q: 'secret' }] }, message: /"p"/ },
    { name: 'an EC private key', jwks: { keys: [{ ...ec, d: 'secret' }] }, message: /"d"/ },
    {
      name: 'a symmetric key',
      jwks: { keys: [{ kty: 'oct', kid: 'h', alg: 'HS256', k: 'secret' }] },
      message: /HS256/,
    },
    { name: 'an unknown member', jwks: { keys: [{ ...ec, x5c: ['MII'] }] }, message: /"x5c"/ },
    { name: 'a duplicate kid', jwks: { keys: [rsa, { ...ec, kid: 'r1' }] }, message: /duplicate kid/ },
    { name: 'a key without a kid', jwks: { keys: [{ ...rsa, kid: undefined }] }, message: /no kid/ },
    { name: 'an unknown algorithm', jwks: { keys: [{ ...rsa, alg: 'RS1' }] }, message: /RS1/ },
    { name: 'no algorithm', jwks: { keys: [{ ...rsa, alg: undefined }] }, message: /algorithm/ },
    { name: 'alg none', jwks: { keys: [{ ...rsa, alg: 'none' }] }, message: /none/ },
    {
      name: 'a key type that does not fit the algorithm',
      jwks: { keys: [{ ...rsa, alg: 'ES256' }] },
      message: /kty/,
    },
    {
      name: 'a curve that does not fit the algorithm',
      jwks: { keys: [{ ...ec, crv: 'P-384' }] },
      message: /crv/,
    },
    { name: 'an encryption key', jwks: { keys: [{ ...rsa, use: 'enc' }] }, message: /use/ },
    { name: 'missing key material', jwks: { keys: [{ ...ec, y: undefined }] }, message: /missing y/ },
    { name: 'a set without a keys array', jwks: { keys: 'nope' }, message: /keys/ },
  ];
  for (const c of bad) {
    test(`K4: refuses to publish ${c.name}`, () => {
      const jwks = JSON.parse(JSON.stringify(c.jwks)) as JwkSet;
      assert.throws(
        () => assertPublishableJwks(jwks),
        (error: unknown) => error instanceof UnpublishableJwksError && c.message.test(error.message),
      );
    });
  }

  test('never puts a key value in its message', () => {
    assert.throws(
      () => assertPublishableJwks({ keys: [{ ...rsa, d: 'very-secret-exponent' }] }),
      (error: unknown) => !(error as Error).message.includes('very-secret-exponent'),
    );
  });
});
