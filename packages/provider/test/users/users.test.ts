import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  AdminError,
  createClient,
  createUser,
  disableUser,
  listUsers,
  setUserPassword,
  verifyUserPassword,
} from '@latchkey/provider';
import { sqliteStores } from '../helpers/fixtures.js';

describe('users', () => {
  test('hashes passwords with argon2id at the OWASP parameters (m=19456, t=2, p=1)', async () => {
    const stores = await sqliteStores();
    const user = await createUser(stores, {
      username: 'Alice',
      email: 'alice@example.com',
      name: 'Alice',
      password: 'correct horse',
    });
    assert.match(user.passwordHash ?? '', /^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    assert.ok(!user.passwordHash?.includes('correct horse'));
    assert.equal(user.username, 'alice');
    assert.equal(user.profile.name, 'Alice');
    assert.ok(Buffer.from(user.id, 'base64url').length >= 16);
  });

  test('verifies the right password and refuses a wrong one, a disabled user and an unknown user', async () => {
    const stores = await sqliteStores();
    await createUser(stores, { username: 'bob', password: 'bob-password' });
    assert.equal((await verifyUserPassword(stores, 'BOB', 'bob-password'))?.username, 'bob');
    assert.equal(await verifyUserPassword(stores, 'bob', 'wrong-password'), undefined);
    assert.equal(await verifyUserPassword(stores, 'nobody', 'bob-password'), undefined);
    await disableUser(stores, 'bob');
    assert.equal(await verifyUserPassword(stores, 'bob', 'bob-password'), undefined);
    assert.equal((await listUsers(stores))[0]?.disabled, true);
  });

  test('S2: an unknown user costs an argon2id verification like a known one', async () => {
    const stores = await sqliteStores();
    await createUser(stores, { username: 'carol', password: 'carol-password' });
    await verifyUserPassword(stores, 'nobody', 'x'); // warm the dummy hash
    // The fastest of three runs each, so a busy machine does not decide the outcome.
    const time = async (username: string) => {
      let best = Number.POSITIVE_INFINITY;
      for (let i = 0; i < 3; i++) {
        const start = performance.now();
        await verifyUserPassword(stores, username, 'wrong-password');
        best = Math.min(best, performance.now() - start);
      }
      return best;
    };
    const known = await time('carol');
    const unknown = await time('nobody');
    assert.ok(unknown > known / 3, `unknown ${unknown.toFixed(1)} ms vs known ${known.toFixed(1)} ms`);
  });

  test('sets a new password', async () => {
    const stores = await sqliteStores();
    await createUser(stores, { username: 'dave', password: 'first-password' });
    await setUserPassword(stores, 'dave', 'second-password');
    assert.equal(await verifyUserPassword(stores, 'dave', 'first-password'), undefined);
    assert.ok(await verifyUserPassword(stores, 'dave', 'second-password'));
    await assert.rejects(setUserPassword(stores, 'nobody', 'second-password'), { code: 'ERR_NOT_FOUND' });
  });

  const invalid: { name: string; input: Parameters<typeof createUser>[1]; field: string }[] = [
    { name: 'an empty username', input: { username: '' }, field: 'username' },
    { name: 'a username with a space', input: { username: 'a b' }, field: 'username' },
    { name: 'a bad email', input: { username: 'erin', email: 'not-an-email' }, field: 'email' },
    { name: 'a short password', input: { username: 'erin', password: 'short' }, field: 'password' },
    { name: 'an id with a slash', input: { username: 'erin', id: 'a/b' }, field: 'id' },
  ];
  for (const c of invalid) {
    test(`refuses ${c.name}, naming the field`, async () => {
      const stores = await sqliteStores();
      await assert.rejects(createUser(stores, c.input), (error: unknown) => {
        assert.ok(error instanceof AdminError);
        assert.equal(error.field, c.field);
        assert.ok(!error.message.includes('short"'), 'never echoes a password');
        return true;
      });
    });
  }

  test('refuses a taken username, case-insensitively', async () => {
    const stores = await sqliteStores();
    await createUser(stores, { username: 'frank' });
    await assert.rejects(createUser(stores, { username: 'FRANK' }), { code: 'ERR_CONFLICT' });
  });

  test('C6: refuses a user sub equal to an existing client id', async () => {
    const stores = await sqliteStores();
    const { client } = await createClient(stores, {
      name: 'svc',
      grantTypes: ['client_credentials'],
      allowedResources: ['https://api.example.com'],
    });
    await assert.rejects(createUser(stores, { username: 'gina', id: client.clientId }), {
      code: 'ERR_CONFLICT',
    });
  });
});
