import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type AdminActor,
  addGroupMember,
  createGroup,
  createUser,
  deleteUser,
  disableUser,
  enableUser,
  setUserPassword,
  type UpdateUserInput,
  updateUser,
  verifyUserPassword,
} from '@latchkey/provider';
import { frozenClock, sqliteStores } from '../helpers/fixtures.js';

const ACTOR: AdminActor = { type: 'admin-api', id: 'u-admin' };
const PASSWORD = 'a sentence nobody has used';

async function withAlice() {
  const clock = frozenClock();
  const stores = await sqliteStores();
  const options = { actor: ACTOR, now: clock.now };
  const alice = await createUser(
    stores,
    { username: 'alice', email: 'alice@example.com', emailVerified: true, name: 'Alice', password: PASSWORD },
    options,
  );
  return { clock, stores, options, alice };
}

describe('admin: user update', () => {
  test('sets and removes standard profile claims, audited with the claim names and the actor', async () => {
    const { stores, options, clock } = await withAlice();
    clock.advance(10);
    const { user, changed } = await updateUser(
      stores,
      'ALICE',
      {
        profile: {
          given_name: 'Alice',
          family_name: 'Liddell',
          locale: 'en-GB',
          zoneinfo: 'Europe/London',
          picture: 'https://cdn.example.com/alice.png',
          phone_number: '+441865270000',
          name: null,
        },
      },
      options,
    );
    assert.deepEqual(user.profile, {
      given_name: 'Alice',
      family_name: 'Liddell',
      locale: 'en-GB',
      zoneinfo: 'Europe/London',
      picture: 'https://cdn.example.com/alice.png',
      phone_number: '+441865270000',
    });
    assert.equal(user.updatedAt, clock.now());
    assert.deepEqual(await stores.users.getByUsername('alice'), user);
    assert.deepEqual([...changed].sort(), [
      'family_name',
      'given_name',
      'locale',
      'name',
      'phone_number',
      'picture',
      'zoneinfo',
    ]);
    const [event] = await stores.audit.list({ limit: 1 });
    assert.equal(event?.type, 'admin.user.updated');
    assert.deepEqual(event?.details?.actor, ACTOR);
  });

  test('a new email address is unverified unless said otherwise; removing it removes the verification', async () => {
    const { stores, options } = await withAlice();
    assert.equal(
      (await updateUser(stores, 'alice', { email: 'a@new.example' }, options)).user.emailVerified,
      false,
    );
    const verified = await updateUser(
      stores,
      'alice',
      { email: 'b@new.example', emailVerified: true },
      options,
    );
    assert.equal(verified.user.emailVerified, true);
    const removed = await updateUser(stores, 'alice', { email: null }, options);
    assert.equal(removed.user.email, null);
    assert.equal(removed.user.emailVerified, false);
  });

  const refusals: { name: string; input: UpdateUserInput; field: string }[] = [
    { name: 'an address that is not one', input: { email: 'alice' }, field: 'email' },
    { name: 'an unknown time zone', input: { profile: { zoneinfo: 'Mars/Olympus' } }, field: 'zoneinfo' },
    {
      name: 'a locale that is not a language tag',
      input: { profile: { locale: 'english please' } },
      field: 'locale',
    },
    {
      name: 'a phone number without a country code',
      input: { profile: { phone_number: '01865 270000' } },
      field: 'phone_number',
    },
    {
      name: 'a picture that is not a URL',
      input: { profile: { picture: 'javascript:alert(1)' } },
      field: 'picture',
    },
    {
      name: 'a birthdate in another format',
      input: { profile: { birthdate: '01/02/1990' } },
      field: 'birthdate',
    },
    {
      name: 'a claim that is not a standard one',
      input: { profile: { favourite_colour: 'blue' } },
      field: 'favourite_colour',
    },
    {
      name: 'a name with control characters',
      input: { profile: { given_name: 'Al\u0000ice' } },
      field: 'given_name',
    },
  ];
  for (const c of refusals) {
    test(`refuses ${c.name}, naming ${c.field}, and changes nothing`, async () => {
      const { stores, options, alice } = await withAlice();
      await assert.rejects(updateUser(stores, 'alice', c.input, options), {
        code: 'ERR_INVALID_INPUT',
        field: c.field,
      });
      assert.deepEqual(await stores.users.getById(alice.id), alice);
    });
  }
});

describe('admin: user lifecycle', () => {
  test('disable ends the sessions and refuses sign-in; enable lets the user sign in again', async () => {
    const { stores, options, alice, clock } = await withAlice();
    await stores.sessions.create({
      idHash: 'h1',
      sid: 'sid-1',
      userId: alice.id,
      authTime: clock.now(),
      amr: ['pwd'],
      acr: null,
      createdAt: clock.now(),
      lastSeenAt: clock.now(),
      expiresAt: clock.now() + 3600,
      endedAt: null,
    });
    assert.equal((await disableUser(stores, 'alice', options)).changed, true);
    assert.equal(await stores.sessions.get('h1', clock.now()), undefined, 'the session ended');
    assert.equal(await verifyUserPassword(stores, 'alice', PASSWORD), undefined);
    assert.equal((await enableUser(stores, 'alice', options)).changed, true);
    assert.equal((await verifyUserPassword(stores, 'alice', PASSWORD))?.id, alice.id);
    const types = (await stores.audit.list({ limit: 2 })).map((e) => e.type);
    assert.deepEqual(types, ['admin.user.enabled', 'admin.user.disabled']);
  });

  test('delete erases personal data, memberships, consents and sessions; the audit log keeps only the sub', async () => {
    const { stores, options, alice, clock } = await withAlice();
    await createGroup(stores, 'ops', options);
    await addGroupMember(stores, 'ops', 'alice', options);
    await stores.clients.create({
      clientId: 'app',
      name: 'App',
      type: 'public',
      secretHash: null,
      redirectUris: ['https://app.example/cb'],
      postLogoutRedirectUris: [],
      grantTypes: ['authorization_code'],
      scopes: ['openid'],
      tokenEndpointAuthMethod: 'none',
      idTokenSignedResponseAlg: 'RS256',
      jwks: null,
      jwksUri: null,
      allowedResources: [],
      backchannelLogoutUri: null,
      disabled: false,
      previousSecret: null,
      createdAt: clock.now(),
      updatedAt: clock.now(),
    });
    await stores.consents.grant(alice.id, 'app', ['openid'], clock.now());
    const { sub } = await deleteUser(stores, 'alice', options);
    assert.equal(sub, alice.id);
    assert.equal(await stores.users.getByUsername('alice'), undefined);
    const tombstone = await stores.users.getById(alice.id);
    assert.equal(tombstone?.disabled, true);
    const stored = JSON.stringify(tombstone);
    for (const personal of ['alice@example.com', 'Alice', 'argon2'])
      assert.ok(!stored.includes(personal), personal);
    assert.deepEqual(await stores.groups.groupsOf(alice.id), []);
    assert.equal(await stores.consents.get(alice.id, 'app'), undefined);
    const events = await stores.audit.list({ limit: 20 });
    assert.equal(events[0]?.type, 'admin.user.deleted');
    assert.ok(!JSON.stringify(events).includes('alice@example.com'));
    assert.ok(
      events.filter((e) => e.userId !== null && e.userId !== undefined).every((e) => e.userId === sub),
    );
    // The username may be used again, by a new person with a new sub.
    const again = await createUser(stores, { username: 'alice' }, options);
    assert.notEqual(again.id, sub);
    await assert.rejects(deleteUser(stores, 'nobody', options), { code: 'ERR_NOT_FOUND' });
  });

  test('create --admin puts the user in latchkey-admins, making the group the first time', async () => {
    const { stores, options } = await withAlice();
    const root = await createUser(stores, { username: 'root-admin', admin: true }, options);
    const second = await createUser(stores, { username: 'second-admin', admin: true }, options);
    assert.deepEqual(await stores.groups.groupsOf(root.id), ['latchkey-admins']);
    // Both joined in the same (frozen) second: members are ordered by join time, then id.
    assert.deepEqual(await stores.groups.members('latchkey-admins'), [root.id, second.id].sort());
  });

  test('set-password applies the password policy and is audited without the password', async () => {
    const { stores, options } = await withAlice();
    await assert.rejects(setUserPassword(stores, 'alice', 'short', options), { field: 'password' });
    await assert.rejects(setUserPassword(stores, 'alice', 'Password1234', options), { field: 'password' });
    const fresh = 'another long sentence';
    await setUserPassword(stores, 'alice', fresh, options);
    assert.ok(await verifyUserPassword(stores, 'alice', fresh));
    assert.ok(!JSON.stringify(await stores.audit.list({ limit: 10 })).includes(fresh));
  });
});
