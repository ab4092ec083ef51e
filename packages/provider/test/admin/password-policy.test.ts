import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkNewPassword, createUser, isCommonPassword } from '@latchkey/provider';
import { sqliteStores } from '../helpers/fixtures.js';

const refused: { name: string; password: string; problem: RegExp }[] = [
  { name: 'shorter than 12 characters', password: 'elevenchars', problem: /at least 12/ },
  {
    name: '12 characters counted as bytes but 4 as characters',
    password: '🔑🔑🔑🔑',
    problem: /at least 12/,
  },
  { name: 'on the blocklist', password: 'password1234', problem: /common/ },
  { name: 'on the blocklist in another letter case', password: 'QWERTYUIOP123', problem: /common/ },
  { name: 'longer than 1024 characters', password: 'x'.repeat(1025), problem: /at most 1024/ },
  { name: 'the username itself', password: 'alice.liddell', problem: /username/ },
];
for (const c of refused) {
  test(`a new password ${c.name} is refused, naming the password field but never the password`, () => {
    assert.throws(
      () => checkNewPassword(c.password, undefined, { username: 'alice.liddell' }),
      (error: unknown) => {
        const { code, field, message } = error as { code: string; field: string; message: string };
        assert.equal(code, 'ERR_INVALID_INPUT');
        assert.equal(field, 'password');
        assert.match(message, c.problem);
        assert.ok(!message.includes(c.password));
        return true;
      },
    );
  });
}

const accepted = [
  { name: 'a long passphrase of common words', password: 'correct horse battery staple' },
  { name: 'twelve lower-case letters (no composition rules)', password: 'zebrafishtea' },
  { name: 'any Unicode, counted by character', password: 'ключ-от-дома' },
  { name: 'exactly 1024 characters', password: 'y'.repeat(1024) },
];
for (const c of accepted) {
  test(`a new password that is ${c.name} is accepted`, () => {
    assert.doesNotThrow(() => checkNewPassword(c.password));
  });
}

test('the minimum length is the configured one', () => {
  assert.doesNotThrow(() => checkNewPassword('eight ch', { minLength: 8 }));
  assert.throws(() => checkNewPassword('zebrafishtea+', { minLength: 15 }), /at least 15/);
});

test('the shipped blocklist holds tens of thousands of common passwords, checked case-insensitively', () => {
  for (const common of ['123456', 'password', 'iloveyou', 'PASSWORD', 'Dragon'])
    assert.ok(isCommonPassword(common), common);
  assert.equal(isCommonPassword('a sentence nobody has used'), false);
});

test('user creation refuses a common password and stores nothing', async () => {
  const stores = await sqliteStores();
  await assert.rejects(createUser(stores, { username: 'bob', password: 'LeaveMeAlone' }), {
    field: 'password',
  });
  assert.deepEqual(await stores.users.list(), []);
});
