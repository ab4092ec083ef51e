import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  claimsToConsent,
  consentedClaims,
  describeClaim,
  parseClaimsRequest,
  requestedClaimNames,
  userClaims,
} from '../../src/claims/index.js';
import { InvalidRequest } from '../../src/errors/index.js';
import type { UserRecord } from '../../src/store/types.js';

const user: UserRecord = {
  id: 'u-1',
  username: 'alice',
  email: 'alice@example.com',
  emailVerified: false,
  profile: { name: 'Alice', address: { country: 'GB' }, phone_number: '+44 1' },
  passwordHash: 'secret-hash',
  passwordChangedAt: null,
  disabled: false,
  createdAt: 1,
  updatedAt: 2,
};

describe('the claims request parameter (OIDC Core §5.5)', () => {
  test('reads the userinfo and id_token members, with null and object entries', () => {
    const request = parseClaimsRequest(
      JSON.stringify({
        userinfo: { email: { essential: true }, name: null },
        id_token: { auth_time: { essential: true }, acr: { values: ['a', 'b'] } },
        other: { ignored: true },
      }),
    );
    assert.deepEqual(
      [...request.userinfo],
      [
        ['email', { essential: true }],
        ['name', null],
      ],
    );
    assert.deepEqual(
      [...request.idToken],
      [
        ['auth_time', { essential: true }],
        ['acr', { values: ['a', 'b'] }],
      ],
    );
  });

  test('is empty when absent', () => {
    assert.equal(parseClaimsRequest(null).userinfo.size, 0);
    assert.equal(parseClaimsRequest(undefined).idToken.size, 0);
  });

  const malformed: [string, string][] = [
    ['not JSON', '{'],
    ['an array', '[]'],
    ['a string', '"email"'],
    ['a userinfo member that is an array', '{"userinfo":["email"]}'],
    ['an entry that is a string', '{"userinfo":{"email":"yes"}}'],
    ['essential that is not a boolean', '{"userinfo":{"email":{"essential":"true"}}}'],
    ['values that is not an array', '{"id_token":{"acr":{"values":"a"}}}'],
    ['an empty claim name', '{"userinfo":{"":null}}'],
  ];
  for (const [name, json] of malformed) {
    test(`refuses ${name} with invalid_request`, () => {
      assert.throws(() => parseClaimsRequest(json), InvalidRequest);
    });
  }
});

describe('claims released', () => {
  test('requested names are kept only when a scope of the client releases them, and never sub', () => {
    const member = parseClaimsRequest(
      JSON.stringify({ userinfo: { email: null, phone_number: null, sub: null, password: null } }),
    ).userinfo;
    assert.deepEqual(requestedClaimNames(member, ['openid', 'email']), ['email']);
    assert.deepEqual(requestedClaimNames(member, ['openid', 'email', 'phone']), ['email', 'phone_number']);
  });

  test("a user's claims are the values they have, under the names asked for", () => {
    assert.deepEqual(
      userClaims(user, [
        'email',
        'email_verified',
        'name',
        'given_name',
        'address',
        'preferred_username',
        'updated_at',
      ]),
      {
        email: 'alice@example.com',
        email_verified: false,
        name: 'Alice',
        address: { country: 'GB' },
        preferred_username: 'alice',
        updated_at: 2,
      },
    );
  });

  test('unknown names never read the record (no passwordHash, no username, no prototype members)', () => {
    assert.deepEqual(
      userClaims(user, ['passwordHash', 'username', 'id', 'constructor', '__proto__', 'sub']),
      {},
    );
  });

  test('email_verified is left out when the user has no email', () => {
    assert.deepEqual(userClaims({ ...user, email: null }, ['email', 'email_verified']), {});
  });
});

describe('claims that need consent of their own (issue 20 item 2)', () => {
  const request = JSON.stringify({
    userinfo: { email: null, name: null },
    id_token: { email: null, nickname: null },
  });

  test('are the released claims asked for by name that the requested scopes do not release', () => {
    // profile is requested (covers name and nickname); email is released only through the claims parameter.
    assert.deepEqual(claimsToConsent(request, ['openid', 'profile'], ['openid', 'profile', 'email']), [
      'email',
    ]);
  });

  test('never include a claim the client is not registered to receive (it is not released either)', () => {
    assert.deepEqual(claimsToConsent(request, ['openid'], ['openid', 'profile']), ['name', 'nickname']);
  });

  test('are none without a claims parameter', () => {
    assert.deepEqual(claimsToConsent(undefined, ['openid'], ['openid', 'email']), []);
  });

  test('are covered by an earlier consent by name or through a consented scope', () => {
    const consent = { scopes: ['openid', 'profile'], claims: ['email'] };
    assert.deepEqual([...consentedClaims(['email', 'name', 'phone_number'], consent)], ['email', 'name']);
    assert.deepEqual([...consentedClaims(['email'], undefined)], []);
  });

  test('are described in plain words on the consent page', () => {
    assert.equal(describeClaim('email'), 'See your email address');
    assert.equal(describeClaim('phone_number_verified'), 'See whether your phone number is verified');
    assert.equal(describeClaim('shoe_size'), 'See your “shoe_size”');
  });
});
