import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openProviderStores } from '@latchkey/provider';
import { cli, tempWorkspace } from './run-cli.js';

test("user factors shows a user's second factors, and user reset-factors removes them, audited", async () => {
  const ws = tempWorkspace();
  after(() => ws.cleanup());
  const created = await cli(
    ['user', 'create', '--username', 'dave', '--password-stdin'],
    ws.env,
    'a long enough password',
  );
  assert.equal(created.status, 0, created.stderr);
  const stores = await openProviderStores(ws.env.DATABASE_URL!);
  try {
    const dave = (await stores.users.getByUsername('dave'))!;
    // An enrolled app (the seed as the account page seals it is irrelevant here) and ten codes.
    await stores.factors.beginTotp(dave.id, 'v1.sealed', 1_800_000_000);
    const hashes = Array.from({ length: 10 }, (_, i) => `hash-${i}`);
    await stores.factors.confirmTotp(dave.id, 60_000_000, hashes, 1_800_000_030);
    await stores.factors.useRecoveryCode(dave.id, 'hash-3', 1_800_000_100);
    await stores.factors.addPasskey({
      credentialId: 'cred-secret-id',
      userId: dave.id,
      name: 'Laptop',
      publicKey: 'pk',
      counter: 0,
      transports: [],
      backedUp: true,
      createdAt: 1_800_000_200,
      lastUsedAt: null,
    });

    const shown = await cli(['user', 'factors', 'dave', '--json'], ws.env);
    assert.equal(shown.status, 0, shown.stderr);
    const factors = JSON.parse(shown.stdout);
    assert.deepEqual(factors.totp, { state: 'enrolled', since: 1_800_000_030 });
    assert.deepEqual(factors.recoveryCodes, { remaining: 9, used: 1, lastUsedAt: 1_800_000_100 });
    assert.deepEqual(factors.passkeys, [{ name: 'Laptop', createdAt: 1_800_000_200, lastUsedAt: null }]);
    assert.ok(!shown.stdout.includes('cred-secret-id'), 'never a credential id');
    assert.ok(!shown.stdout.includes('v1.sealed'), 'never the sealed seed');

    const text = await cli(['user', 'factors', 'dave'], ws.env);
    assert.match(text.stdout, /authenticator app: on since 2027-/);

    const reset = await cli(['user', 'reset-factors', 'dave'], ws.env);
    assert.equal(reset.status, 0, reset.stderr);
    assert.match(reset.stdout, /Removed the second factors of dave/);
    assert.equal(await stores.factors.getTotp(dave.id), undefined);
    assert.equal((await stores.factors.recoveryCodes(dave.id)).remaining, 0);
    assert.deepEqual(await stores.factors.listPasskeys(dave.id), []);
    const [event] = await stores.audit.list({ limit: 1, type: 'admin.user.factors_reset' });
    assert.equal(event?.userId, dave.id);
    assert.deepEqual(event?.details?.['removed'], true);

    const again = await cli(['user', 'reset-factors', 'dave'], ws.env);
    assert.match(again.stdout, /had no second factors/);
    const unknown = await cli(['user', 'factors', 'nobody'], ws.env);
    assert.notEqual(unknown.status, 0);
    assert.match(unknown.stderr, /nobody/);
  } finally {
    await stores.close();
  }
});

test('client create and update set whether a client needs a second factor; a bad value is named', async () => {
  const ws = tempWorkspace();
  after(() => ws.cleanup());
  const base = ['client', 'create', '--name', 'Bank', '--redirect-uri', 'https://bank.example/cb', '--json'];
  const created = await cli([...base, '--mfa', 'required'], ws.env);
  assert.equal(created.status, 0, created.stderr);
  const { client_id: id, mfa } = JSON.parse(created.stdout) as { client_id: string; mfa: string };
  assert.equal(mfa, 'required');
  const back = await cli(['client', 'update', id, '--mfa', 'default', '--json'], ws.env);
  assert.equal(back.status, 0, back.stderr);
  assert.equal(JSON.parse(back.stdout).mfa, null);
  const bad = await cli(['client', 'update', id, '--mfa', 'always'], ws.env);
  assert.notEqual(bad.status, 0);
  assert.match(bad.stderr, /mfa/);
});
