import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { loadConfig, openProviderStores, startProvider } from '@latchkey/provider';
import { cli, tempWorkspace } from './run-cli.js';

describe('latchkey (in-process, on a fresh SQLite database)', () => {
  const ws = tempWorkspace();
  after(() => ws.cleanup());

  test('with no arguments prints every command and exits 0', async () => {
    const r = await cli([], ws.env);
    assert.equal(r.status, 0);
    for (const words of ['serve', 'migrate', 'client create', 'user set-password', 'keys rotate']) {
      assert.match(r.stdout, new RegExp(`^  ${words} `, 'm'));
    }
  });

  test('every command answers --help with its usage and exits 0', async () => {
    for (const words of [['serve'], ['client', 'create'], ['user', 'create'], ['keys', 'rotate']]) {
      const r = await cli([...words, '--help'], ws.env);
      assert.equal(r.status, 0, words.join(' '));
      assert.match(r.stdout, new RegExp(`^Usage: latchkey ${words.join(' ')}`));
      assert.match(r.stdout, /--database URL/);
    }
  });

  const usageErrors: { args: string[]; names: RegExp }[] = [
    { args: ['frobnicate'], names: /unknown command 'frobnicate'/ },
    { args: ['client', 'frobnicate'], names: /unknown command 'client frobnicate'/ },
    { args: ['client', 'create', '--nme', 'x'], names: /--nme/ },
    { args: ['client', 'create'], names: /--name is required/ },
    { args: ['client', 'delete'], names: /needs ID/ },
    { args: ['client', 'delete', 'a', 'b'], names: /unexpected argument 'b'/ },
    { args: ['serve', '--port', 'eighty'], names: /--port "eighty" is not a port number/ },
    {
      args: ['client', 'create', '--name', 'x', '--redirect-uri', 'https://app.example/cb#frag'],
      names: /https:\/\/app\.example\/cb#frag.*fragment/,
    },
    { args: ['client', 'create', '--name', 'x', '--auth-method', 'telepathy'], names: /telepathy/ },
    { args: ['keys', 'rotate', '--algorithm', 'none'], names: /--algorithm "none" is not a JWS algorithm/ },
    { args: ['user', 'set-password', 'alice'], names: /--password-stdin is required/ },
    { args: ['migrate', '--database', 'mysql://db/x'], names: /databaseUrl: .*postgres:\/\// },
  ];
  for (const { args, names } of usageErrors) {
    test(`bad usage \`latchkey ${args.join(' ')}\` exits 2 and names the bad value`, async () => {
      const r = await cli(args, ws.env);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, names);
      assert.equal(r.stdout, '');
    });
  }

  test('a bad value in the environment exits 2 naming the variable', async () => {
    const r = await cli(['client', 'list'], { ...ws.env, LATCHKEY_PORT: 'abc' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /LATCHKEY_PORT/);
  });

  test('client create prints the id and the secret once; the database holds only its hash', async () => {
    const r = await cli(
      ['client', 'create', '--name', 'Shop', '--redirect-uri', 'https://shop.example/cb'],
      ws.env,
    );
    assert.equal(r.status, 0, r.stderr);
    const id = /^client_id: +(\S+)$/m.exec(r.stdout)?.[1];
    const secret = /^client_secret: +(\S+)$/m.exec(r.stdout)?.[1];
    assert.ok(id && secret, r.stdout);
    assert.ok(Buffer.from(secret, 'base64url').length >= 32, 'secret has at least 256 bits');
    assert.match(r.stderr, /shown only this once/);

    const list = await cli(['client', 'list', '--json'], ws.env);
    assert.equal(list.status, 0);
    assert.ok(!list.stdout.includes(secret), 'the secret is never shown again');
    const clients = JSON.parse(list.stdout) as { client_id: string; redirect_uris: string[] }[];
    assert.deepEqual(clients.find((c) => c.client_id === id)?.redirect_uris, ['https://shop.example/cb']);

    const stores = await openProviderStores(ws.env.DATABASE_URL!);
    try {
      const stored = await stores.clients.get(id);
      assert.ok(stored?.secretHash);
      assert.notEqual(stored.secretHash, secret);
    } finally {
      await stores.close();
    }
  });

  test('client create --public --json has no secret; client delete removes it, a second delete exits 1', async () => {
    const r = await cli(
      [
        'client',
        'create',
        '--name',
        'CLI app',
        '--public',
        '--redirect-uri',
        'http://127.0.0.1/cb',
        '--json',
      ],
      ws.env,
    );
    assert.equal(r.status, 0, r.stderr);
    const created = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(created.token_endpoint_auth_method, 'none');
    assert.equal('client_secret' in created, false);
    const id = created.client_id as string;
    assert.equal((await cli(['client', 'delete', id], ws.env)).status, 0);
    const again = await cli(['client', 'delete', id], ws.env);
    assert.equal(again.status, 1);
    assert.match(again.stderr, /No client/);
  });

  test('user create reads the password from stdin, never shows it, and user list shows the user', async () => {
    const password = 'correct horse battery staple';
    const r = await cli(
      ['user', 'create', '--username', 'Alice', '--email', 'alice@example.com', '--password-stdin'],
      ws.env,
      `${password}\n`,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Created user alice/);
    const list = await cli(['user', 'list', '--json'], ws.env);
    const users = JSON.parse(list.stdout) as { username: string; has_password: boolean; email: string }[];
    const alice = users.find((u) => u.username === 'alice');
    assert.equal(alice?.has_password, true);
    assert.ok(!`${r.stdout}${r.stderr}${list.stdout}`.includes(password));
    assert.ok(!list.stdout.includes('$argon2id$'), 'the hash is not shown either');
  });

  test('a duplicate username exits 1 and says it is taken', async () => {
    const r = await cli(['user', 'create', '--username', 'ALICE', '--no-password'], ws.env);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /taken/);
  });

  test('a too-short password exits 2; user disable and set-password on an unknown user exit 1', async () => {
    assert.equal(
      (await cli(['user', 'create', '--username', 'bob', '--password-stdin'], ws.env, 'short')).status,
      2,
    );
    assert.equal((await cli(['user', 'disable', 'nobody'], ws.env)).status, 1);
    assert.equal(
      (await cli(['user', 'set-password', 'nobody', '--password-stdin'], ws.env, 'long enough pw')).status,
      1,
    );
    assert.equal((await cli(['user', 'disable', 'alice'], ws.env)).status, 0);
    const users = JSON.parse((await cli(['user', 'list', '--json'], ws.env)).stdout) as {
      username: string;
      disabled: boolean;
    }[];
    assert.equal(users.find((u) => u.username === 'alice')?.disabled, true);
  });
});

describe('latchkey keys', () => {
  const ws = tempWorkspace();
  before(async () => {
    // The first start creates a current and a next key per algorithm.
    const provider = await startProvider(loadConfig({ env: { ...ws.env, LATCHKEY_PORT: '0' } }));
    await provider.close();
  });
  after(() => ws.cleanup());

  test('keys list shows a current and a published next key per algorithm', async () => {
    const r = await cli(['keys', 'list', '--json'], ws.env);
    assert.equal(r.status, 0, r.stderr);
    const keys = JSON.parse(r.stdout) as { alg: string; state: string }[];
    for (const alg of ['RS256', 'ES256']) {
      assert.deepEqual(
        keys
          .filter((k) => k.alg === alg)
          .map((k) => k.state)
          .sort(),
        ['current', 'next'],
      );
    }
    assert.ok(!r.stdout.includes('"d"'), 'no private key material');
  });

  test('keys rotate refuses to promote a next key younger than one JWKS cache lifetime, says why and names the flag that forces it', async () => {
    const r = await cli(['keys', 'rotate'], ws.env);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /publish|cache|jwksMaxAge/i);
    assert.match(r.stderr, /latchkey keys rotate --ignore-publication-delay/);
  });

  test('keys rotate --ignore-publication-delay promotes next to current and makes a new next', async () => {
    const before = JSON.parse((await cli(['keys', 'list', '--json'], ws.env)).stdout) as {
      kid: string;
      alg: string;
      state: string;
    }[];
    const r = await cli(['keys', 'rotate', '--algorithm', 'ES256', '--ignore-publication-delay'], ws.env);
    assert.equal(r.status, 0, r.stderr);
    const afterKeys = JSON.parse((await cli(['keys', 'list', '--json'], ws.env)).stdout) as {
      kid: string;
      alg: string;
      state: string;
    }[];
    const oldNext = before.find((k) => k.alg === 'ES256' && k.state === 'next')!;
    const oldCurrent = before.find((k) => k.alg === 'ES256' && k.state === 'current')!;
    assert.equal(afterKeys.find((k) => k.kid === oldNext.kid)?.state, 'current');
    assert.equal(afterKeys.find((k) => k.kid === oldCurrent.kid)?.state, 'retired');
    assert.equal(afterKeys.filter((k) => k.alg === 'ES256' && k.state === 'next').length, 1);
    // RS256 was not asked for and did not move.
    assert.deepEqual(
      afterKeys
        .filter((k) => k.alg === 'RS256')
        .map((k) => [k.kid, k.state])
        .sort(),
      before
        .filter((k) => k.alg === 'RS256')
        .map((k) => [k.kid, k.state])
        .sort(),
    );
  });
});
