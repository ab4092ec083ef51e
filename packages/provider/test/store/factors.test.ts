import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import { NOW, openStoresWithUserAndClient, twoInstances, user } from './fixtures.js';

const ALICE = user().id;
const HASHES = Array.from({ length: 10 }, (_, i) => `code-hash-${i}`);

describeEachDialect('factor store', (ctx) => {
  test('an enrolment starts unconfirmed, is confirmed once with its codes, and is not replaced once confirmed', async (t) => {
    const { factors } = await openStoresWithUserAndClient(ctx, t);
    assert.equal(await factors.beginTotp(ALICE, 'sealed-1', NOW), true);
    assert.equal(
      await factors.beginTotp(ALICE, 'sealed-2', NOW + 1),
      true,
      'an unconfirmed seed is replaced',
    );
    assert.deepEqual(await factors.getTotp(ALICE), {
      userId: ALICE,
      sealedSeed: 'sealed-2',
      createdAt: NOW + 1,
      confirmedAt: null,
      lastStep: null,
    });
    assert.equal(await factors.useTotpStep(ALICE, 5), false, 'an unconfirmed app accepts no code');
    assert.equal(await factors.confirmTotp(ALICE, 100, HASHES, NOW + 2), true);
    assert.equal(await factors.confirmTotp(ALICE, 101, HASHES, NOW + 3), false);
    assert.equal(await factors.beginTotp(ALICE, 'sealed-3', NOW + 4), false, 'a confirmed app stays');
    assert.equal((await factors.getTotp(ALICE))?.sealedSeed, 'sealed-2');
    assert.deepEqual(await factors.recoveryCodes(ALICE), { remaining: 10, used: 0, lastUsedAt: null });
  });

  test('F1: a time step is accepted only when later than the last one used', async (t) => {
    const { factors } = await openStoresWithUserAndClient(ctx, t);
    await factors.beginTotp(ALICE, 'sealed', NOW);
    await factors.confirmTotp(ALICE, 100, [], NOW);
    assert.equal(await factors.useTotpStep(ALICE, 100), false, 'the confirming code is spent');
    assert.equal(await factors.useTotpStep(ALICE, 99), false);
    assert.equal(await factors.useTotpStep(ALICE, 101), true);
    assert.equal(await factors.useTotpStep(ALICE, 101), false);
  });

  test('F1: of 20 parallel uses of one step on two instances exactly one wins', async (t) => {
    const { one, two } = await twoInstances(ctx, t);
    await one.users.create(user());
    await one.factors.beginTotp(ALICE, 'sealed', NOW);
    await one.factors.confirmTotp(ALICE, 100, [], NOW);
    const wins = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).factors.useTotpStep(ALICE, 200)),
    );
    assert.equal(wins.filter(Boolean).length, 1);
  });

  test('F3: of 20 parallel uses of one recovery code on two instances exactly one wins', async (t) => {
    const { one, two } = await twoInstances(ctx, t);
    await one.users.create(user());
    await one.factors.beginTotp(ALICE, 'sealed', NOW);
    await one.factors.confirmTotp(ALICE, 100, HASHES, NOW);
    const wins = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        (i % 2 === 0 ? one : two).factors.useRecoveryCode(ALICE, HASHES[3]!, NOW + 10),
      ),
    );
    assert.equal(wins.filter(Boolean).length, 1);
    assert.deepEqual(await one.factors.recoveryCodes(ALICE), { remaining: 9, used: 1, lastUsedAt: NOW + 10 });
    assert.equal(await one.factors.useRecoveryCode('someone-else', HASHES[4]!, NOW), false);
  });

  test('F2: a passkey use is recorded only when its counter moves forward (or both are 0)', async (t) => {
    const { factors } = await openStoresWithUserAndClient(ctx, t);
    const passkey = {
      credentialId: 'cred-1',
      userId: ALICE,
      name: 'Laptop',
      publicKey: 'pk',
      counter: 5,
      transports: ['internal'],
      backedUp: false,
      createdAt: NOW,
      lastUsedAt: null,
    };
    await factors.addPasskey(passkey);
    await assert.rejects(factors.addPasskey(passkey), { name: 'StoreConflictError' });
    assert.deepEqual(await factors.listPasskeys(ALICE), [passkey]);
    assert.equal(await factors.usePasskey('cred-1', 5, NOW + 1), false, 'the same counter: a clone');
    assert.equal(await factors.usePasskey('cred-1', 3, NOW + 1), false, 'a counter going back');
    assert.equal(await factors.usePasskey('cred-1', 6, NOW + 2), true);
    assert.deepEqual(await factors.getPasskey('cred-1'), { ...passkey, counter: 6, lastUsedAt: NOW + 2 });
    await factors.addPasskey({ ...passkey, credentialId: 'synced', counter: 0 });
    assert.equal(await factors.usePasskey('synced', 0, NOW + 3), true, 'no counter kept: 0 stays 0');
    assert.equal(await factors.deletePasskey('someone-else', 'cred-1'), false);
    assert.equal(await factors.deletePasskey(ALICE, 'cred-1'), true);
    assert.equal(await factors.deleteAll(ALICE), true, 'the synced passkey goes with a reset');
    assert.deepEqual(await factors.listPasskeys(ALICE), []);
  });

  test('F2: of 20 parallel uses with one new counter exactly one is recorded', async (t) => {
    const { one, two } = await twoInstances(ctx, t);
    await one.users.create(user());
    await one.factors.addPasskey({
      credentialId: 'cred-race',
      userId: ALICE,
      name: 'Key',
      publicKey: 'pk',
      counter: 1,
      transports: [],
      backedUp: false,
      createdAt: NOW,
      lastUsedAt: null,
    });
    const wins = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? one : two).factors.usePasskey('cred-race', 2, NOW)),
    );
    assert.equal(wins.filter(Boolean).length, 1);
  });

  test('deleteAll removes the app and the codes of that user only', async (t) => {
    const { factors, users } = await openStoresWithUserAndClient(ctx, t);
    await users.create(user({ id: 'u-bob', username: 'bob' }));
    await factors.beginTotp('u-bob', 'sealed', NOW);
    await factors.confirmTotp('u-bob', 100, ['bob-code'], NOW);
    await factors.beginTotp(ALICE, 'sealed', NOW);
    await factors.confirmTotp(ALICE, 100, HASHES, NOW);
    assert.equal(await factors.deleteAll(ALICE), true);
    assert.equal(await factors.getTotp(ALICE), undefined);
    assert.deepEqual(await factors.recoveryCodes(ALICE), { remaining: 0, used: 0, lastUsedAt: null });
    assert.equal(await factors.deleteAll(ALICE), false);
    assert.ok(await factors.getTotp('u-bob'));
    assert.equal((await factors.recoveryCodes('u-bob')).remaining, 1);
  });
});
