import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { addGroupMember, createGroup, updateClient } from '@latchkey/provider';
import { type SignInFixture, signInFixture } from '../token/sign-in-fixture.js';

/** The payload of a JWT the provider just issued (its signature is the token endpoint tests' concern). */
const decodeJwt = (jwt: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));

describe('the groups scope releases the groups claim', () => {
  let f: SignInFixture;
  before(async () => {
    f = await signInFixture();
    await updateClient(f.stores, 'web', { scopes: { add: ['groups'] } });
    for (const name of ['ops', 'admins']) {
      await createGroup(f.stores, name);
      await addGroupMember(f.stores, name, 'alice');
    }
    await createGroup(f.stores, 'others');
  });
  after(() => f.close());

  test('with the groups scope: the ID token, UserInfo and the access token carry the user group names', async () => {
    const { body } = await f.signIn({ scopes: ['openid', 'groups'] });
    assert.deepEqual(decodeJwt(body.id_token).groups, ['admins', 'ops']);
    assert.deepEqual(decodeJwt(body.access_token).groups, ['admins', 'ops']);
    const info = await f.userinfo(body.access_token);
    assert.equal(info.statusCode, 200);
    assert.deepEqual(info.json().groups, ['admins', 'ops']);
  });

  test('without the groups scope: no groups claim anywhere', async () => {
    const { body } = await f.signIn({ scopes: ['openid', 'profile'] });
    assert.equal('groups' in decodeJwt(body.id_token), false);
    assert.equal('groups' in decodeJwt(body.access_token), false);
    assert.equal('groups' in (await f.userinfo(body.access_token)).json(), false);
  });

  test('discovery advertises the groups scope and the groups claim', async () => {
    const doc = (await f.app.inject({ url: '/.well-known/openid-configuration' })).json();
    assert.ok(doc.scopes_supported.includes('groups'));
    assert.ok(doc.claims_supported.includes('groups'));
  });
});
