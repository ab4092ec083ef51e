import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { openProviderStores } from '@latchkey/provider';
import { cli, tempWorkspace } from './run-cli.js';

test('administration from the CLI is audited (client and user changes), with no secret or password', async () => {
  const ws = tempWorkspace();
  after(() => ws.cleanup());
  const password = 'a long enough password';
  const created = await cli(
    ['client', 'create', '--name', 'Audited', '--redirect-uri', 'https://a.example/cb', '--json'],
    ws.env,
  );
  assert.equal(created.status, 0, created.stderr);
  const { client_id: clientId, client_secret: secret } = JSON.parse(created.stdout) as Record<string, string>;
  assert.equal(
    (await cli(['user', 'create', '--username', 'carol', '--password-stdin'], ws.env, password)).status,
    0,
  );
  assert.equal(
    (await cli(['user', 'set-password', 'carol', '--password-stdin'], ws.env, `${password}!`)).status,
    0,
  );
  assert.equal((await cli(['user', 'disable', 'carol'], ws.env)).status, 0);
  assert.equal((await cli(['client', 'delete', clientId!], ws.env)).status, 0);

  const stores = await openProviderStores(ws.env.DATABASE_URL!);
  try {
    const events = await stores.audit.list({ limit: 20 });
    assert.deepEqual(events.map((e) => e.type).reverse(), [
      'admin.client.created',
      'admin.user.created',
      'admin.user.password_set',
      'admin.user.disabled',
      'admin.client.deleted',
    ]);
    const carol = await stores.users.getByUsername('carol');
    assert.ok(events.filter((e) => e.type.startsWith('admin.user')).every((e) => e.userId === carol?.id));
    assert.equal(events.find((e) => e.type === 'admin.client.deleted')?.clientId, clientId);
    const text = JSON.stringify(events);
    assert.ok(!text.includes(secret!) && !text.includes(password), 'no secret or password in the audit log');
  } finally {
    await stores.close();
  }
});
