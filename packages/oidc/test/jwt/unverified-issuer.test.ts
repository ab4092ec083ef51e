import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateKeyPair, signJwt, unverifiedIssuer } from '../../src/index.js';

test('reads the iss a signed JWT claims, without verifying it', async () => {
  const { privateKey } = await generateKeyPair('ES256');
  const token = signJwt({ iss: 'https://issuer.example', sub: 'x', exp: 2_000_000_000 }, privateKey, {
    typ: 'JWT',
  });
  assert.equal(unverifiedIssuer(token), 'https://issuer.example');
  // The signature is not looked at: the caller verifies with the keys of the issuer it names.
  assert.equal(unverifiedIssuer(`${token.slice(0, -4)}AAAA`), 'https://issuer.example');
});

test('is undefined for a token without a string iss, or that is not a well-formed JWS', () => {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const header = b64({ alg: 'ES256' });
  const cases = [
    `${header}.${b64({ sub: 'x' })}.c2ln`,
    `${header}.${b64({ iss: 42 })}.c2ln`,
    'not-a-jwt',
    `${header}.${Buffer.from('{"iss":"a","iss":"b"}').toString('base64url')}.c2ln`,
    `${header}.e30+.c2ln`,
  ];
  for (const token of cases) assert.equal(unverifiedIssuer(token), undefined, token);
});
