import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  BACKCHANNEL_LOGOUT_EVENT,
  exportJwk,
  generateKeyPair,
  JwtVerifier,
  LocalKeySet,
} from '@latchkey/oidc';
import { createIdTokenHintReader } from '../../src/endpoints/authorize/check-id-token-hint.js';
import {
  LOGOUT_TOKEN_LIFETIME,
  LOGOUT_TOKEN_TYP,
  logoutTokenClaims,
  signLogoutToken,
} from '../../src/tokens/logout-token.js';

const INPUT = {
  issuer: 'https://id.example.com',
  clientId: 'rp',
  subject: 'user-1',
  sid: 'sid-1',
  jti: 'jti-1',
  issuedAt: 1_800_000_000,
};

describe('logout tokens', () => {
  test('carry iss, sub, aud, iat, exp two minutes on, jti, sid and the back-channel event; never a nonce', () => {
    assert.equal(LOGOUT_TOKEN_LIFETIME, 120);
    assert.deepEqual(logoutTokenClaims(INPUT), {
      iss: 'https://id.example.com',
      sub: 'user-1',
      aud: 'rp',
      iat: 1_800_000_000,
      exp: 1_800_000_120,
      jti: 'jti-1',
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      sid: 'sid-1',
    });
  });

  test('J21: are signed with typ logout+jwt and verify only as logout tokens, never as an id_token_hint', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    const publicJwk = exportJwk(publicKey);
    const token = signLogoutToken(logoutTokenClaims(INPUT), privateKey);
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString());
    assert.equal(header.typ, LOGOUT_TOKEN_TYP);
    assert.equal(header.alg, 'ES256');
    const keys = LocalKeySet.fromJwks({ keys: [publicJwk] });
    const asLogout = new JwtVerifier({
      issuer: INPUT.issuer,
      audience: 'rp',
      typ: 'logout+jwt',
      now: () => INPUT.issuedAt * 1000,
    });
    assert.equal((await asLogout.verify(token, keys)).claims['sid'], 'sid-1');
    const asIdToken = new JwtVerifier({
      issuer: INPUT.issuer,
      audience: 'rp',
      idToken: true,
      now: () => INPUT.issuedAt * 1000,
    });
    await assert.rejects(asIdToken.verify(token, keys));
    const readHint = createIdTokenHintReader({
      issuer: INPUT.issuer,
      jwks: () => ({ body: JSON.stringify({ keys: [publicJwk] }), etag: '"1"' }) as never,
      algorithms: ['ES256'],
    });
    assert.equal(await readHint(token), undefined);
  });
});
