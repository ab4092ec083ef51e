import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import {
  generateKeyPair,
  type JoseKey,
  type JwsAlgorithm,
  LocalKeySet,
  parseCompactJws,
  verifyJwt,
} from '@latchkey/oidc';
import { parseClaimsRequest } from '../../src/claims/index.js';
import type { UserRecord } from '../../src/store/types.js';
import {
  createTokenIssuer,
  type SignInTokenInput,
  tokenHash,
  userinfoAudience,
} from '../../src/tokens/index.js';

const ISSUER = 'https://id.example.com';
const NOW = 1_800_000_000;
const keys = new Map<JwsAlgorithm, { privateKey: JoseKey; publicKey: JoseKey }>();

before(async () => {
  for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) keys.set(alg, await generateKeyPair(alg));
});

const issuer = () =>
  createTokenIssuer({
    settings: { issuer: ISSUER, accessTokenLifetime: 600, idTokenLifetime: 3600, accessTokenAlg: 'ES256' },
    signingKey: (alg) => keys.get(alg)!.privateKey,
    now: () => NOW,
  });

const user: UserRecord = {
  id: 'u-123',
  username: 'alice',
  email: 'alice@example.com',
  emailVerified: true,
  profile: { name: 'Alice', given_name: 'Alice' },
  passwordHash: null,
  passwordChangedAt: null,
  disabled: false,
  createdAt: NOW - 100,
  updatedAt: NOW - 50,
};

const input = (overrides: Partial<SignInTokenInput> = {}): SignInTokenInput => ({
  client: { clientId: 'web', scopes: ['openid', 'profile', 'email'], idTokenSignedResponseAlg: 'RS256' },
  user,
  grantId: 'g-1',
  scopes: ['openid', 'profile'],
  resources: [],
  nonce: 'n-0S6',
  authTime: NOW - 10,
  acr: null,
  amr: ['pwd'],
  sid: 'sid-1',
  claimsRequest: parseClaimsRequest(null),
  ...overrides,
});

const verify = (token: string, alg: JwsAlgorithm, options: Record<string, unknown>) =>
  verifyJwt(token, new LocalKeySet([keys.get(alg)!.publicKey]), { now: () => NOW * 1000, ...options });

describe('ID token', () => {
  test('carries iss, sub, aud, exp, iat, auth_time, nonce, amr, azp, at_hash and sid, typ JWT, signed RS256', async () => {
    const tokens = issuer().issueSignInTokens(input());
    const { claims, header } = await verify(tokens.idToken!, 'RS256', {
      issuer: ISSUER,
      audience: 'web',
      idToken: true,
    });
    assert.equal(header.typ, 'JWT');
    assert.equal(header.alg, 'RS256');
    assert.deepEqual(claims, {
      iss: ISSUER,
      sub: 'u-123',
      aud: 'web',
      exp: NOW + 3600,
      iat: NOW,
      auth_time: NOW - 10,
      nonce: 'n-0S6',
      amr: ['pwd'],
      azp: 'web',
      at_hash: tokenHash(tokens.accessToken, 'RS256'),
      sid: 'sid-1',
      // the claims of the granted `profile` scope that the user has
      name: 'Alice',
      given_name: 'Alice',
      preferred_username: 'alice',
      updated_at: NOW - 50,
    });
  });

  test('leaves nonce and acr out when the request had none, and includes acr when there is one', async () => {
    const without = parseCompactJws(issuer().issueSignInTokens(input({ nonce: null })).idToken!);
    assert.ok(!without.payloadSegment.includes('nonce'));
    const tokens = issuer().issueSignInTokens(input({ acr: 'urn:example:loa:1' }));
    const { claims } = await verify(tokens.idToken!, 'RS256', { idToken: true, audience: 'web' });
    assert.equal(claims['acr'], 'urn:example:loa:1');
  });

  test("J22: signed with the client's EdDSA choice, its at_hash uses SHA-512", async () => {
    const tokens = issuer().issueSignInTokens(
      input({ client: { clientId: 'web', scopes: ['openid'], idTokenSignedResponseAlg: 'EdDSA' } }),
    );
    const { claims, header } = await verify(tokens.idToken!, 'EdDSA', { idToken: true, audience: 'web' });
    assert.equal(header.alg, 'EdDSA');
    assert.equal(claims['at_hash'], tokenHash(tokens.accessToken, 'EdDSA'));
    assert.equal(String(claims['at_hash']).length, 43);
  });

  test('holds the claims of the granted scopes, and only those', async () => {
    const { claims } = await verify(issuer().issueSignInTokens(input()).idToken!, 'RS256', {
      idToken: true,
      audience: 'web',
    });
    assert.equal(claims['name'], 'Alice', 'profile was granted');
    assert.equal(claims['email'], undefined, 'email was not granted, though the client may ask for it');
  });

  test("holds the claims asked for in the claims parameter's id_token member, within the client's scopes", async () => {
    const claimsRequest = parseClaimsRequest(
      JSON.stringify({ id_token: { email: { essential: true }, name: null, phone_number: null, sub: null } }),
    );
    const { claims } = await verify(issuer().issueSignInTokens(input({ claimsRequest })).idToken!, 'RS256', {
      idToken: true,
      audience: 'web',
    });
    assert.equal(claims['email'], 'alice@example.com');
    assert.equal(claims['name'], 'Alice');
    assert.equal(claims['phone_number'], undefined, 'phone is not a scope of this client');
    assert.equal(claims.sub, 'u-123');
  });

  test('is not issued without the openid scope', () => {
    assert.equal(issuer().issueSignInTokens(input({ scopes: ['profile'] })).idToken, undefined);
  });
});

describe('access token (RFC 9068)', () => {
  test('has typ at+jwt, is signed ES256 and carries iss, sub, aud, client_id, scope, jti, iat, exp, auth_time, amr and the grant', async () => {
    const tokens = issuer().issueSignInTokens(input());
    assert.equal(tokens.expiresIn, 600);
    assert.equal(tokens.scope, 'openid profile');
    const { claims, header } = await verify(tokens.accessToken, 'ES256', {
      typ: 'at+jwt',
      issuer: ISSUER,
      audience: userinfoAudience(ISSUER),
    });
    assert.equal(header.alg, 'ES256');
    assert.equal(header.typ, 'at+jwt');
    assert.equal(claims.sub, 'u-123');
    assert.equal(claims.aud, `${ISSUER}/userinfo`);
    assert.equal(claims.client_id, 'web');
    assert.equal(claims.scope, 'openid profile');
    assert.equal(claims.exp, NOW + 600);
    assert.equal(claims.iat, NOW);
    assert.equal(claims.auth_time, NOW - 10);
    assert.deepEqual(claims['amr'], ['pwd']);
    assert.equal(claims['grant_id'], 'g-1');
    assert.match(String(claims.jti), /^[\w-]{22}$/);
  });

  test('gets a fresh jti each time', () => {
    const a = parseCompactJws(issuer().issueSignInTokens(input()).accessToken).payloadSegment;
    const b = parseCompactJws(issuer().issueSignInTokens(input()).accessToken).payloadSegment;
    assert.notEqual(a, b);
  });

  const audiences: [string, string[], string[], string | string[]][] = [
    ['openid and no resource: UserInfo', ['openid'], [], `${ISSUER}/userinfo`],
    [
      'a resource without openid: the resource alone',
      ['api:read'],
      ['https://api.example'],
      'https://api.example',
    ],
    [
      'a resource with openid: the resource alone (RFC 8707 §2, single audience)',
      ['openid'],
      ['https://api.example'],
      'https://api.example',
    ],
    [
      'two resources: exactly those two',
      ['openid'],
      ['https://api.example', 'https://reports.example'],
      ['https://api.example', 'https://reports.example'],
    ],
    ['nothing asked: UserInfo', ['api:read'], [], `${ISSUER}/userinfo`],
  ];
  for (const [name, scopes, resources, expected] of audiences) {
    test(`aud for ${name}`, () => {
      const token = issuer().issueSignInTokens(input({ scopes, resources })).accessToken;
      const payload = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
      assert.deepEqual(payload.aud, expected);
    });
  }

  test('J21: an ID token does not verify as an access token, nor the reverse', async () => {
    const tokens = issuer().issueSignInTokens(
      input({ client: { clientId: 'web', scopes: ['openid'], idTokenSignedResponseAlg: 'ES256' } }),
    );
    await assert.rejects(verify(tokens.idToken!, 'ES256', { typ: 'at+jwt' }));
    await assert.rejects(verify(tokens.accessToken, 'ES256', { idToken: true, audience: 'web' }));
  });
});
