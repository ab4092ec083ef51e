import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openProviderStores } from '@latchkey/provider';
import { cli, tempWorkspace } from './run-cli.js';

describe('latchkey client (show, update, secret rotate, disable, enable, list, create --id)', () => {
  const ws = tempWorkspace();
  after(() => ws.cleanup());
  let secret: string;

  before(async () => {
    const r = await cli(
      [
        'client',
        'create',
        '--name',
        'Gateway',
        '--id',
        'gateway',
        '--redirect-uri',
        'https://gw.example/cb',
        '--json',
      ],
      ws.env,
    );
    assert.equal(r.status, 0, r.stderr);
    secret = (JSON.parse(r.stdout) as { client_secret: string }).client_secret;
  });

  test('client create --id gives the client the readable id asked for', async () => {
    const r = await cli(['client', 'show', 'gateway', '--json'], ws.env);
    assert.equal(r.status, 0, r.stderr);
    const shown = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(shown.client_id, 'gateway');
    assert.equal(shown.disabled, false);
    assert.ok(!r.stdout.includes(secret), 'show never prints the secret');
  });

  test('client create --auth-method workload_identity_jwt makes a machine client with no secret', async () => {
    const r = await cli(
      [
        'client',
        'create',
        '--name',
        'CI deployer',
        '--id',
        'ci-deployer',
        '--grant',
        'client_credentials',
        '--resource',
        'https://deploy.example.com',
        '--auth-method',
        'workload_identity_jwt',
        '--json',
      ],
      ws.env,
    );
    assert.equal(r.status, 0, r.stderr);
    const created = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(created.client_secret, undefined);
    assert.equal(
      created.token_endpoint_auth_method ?? created.tokenEndpointAuthMethod,
      'workload_identity_jwt',
    );
  });

  const refusals: { args: string[]; status: number; names: RegExp }[] = [
    {
      args: ['client', 'create', '--name', 'Jobs', '--grant', 'client_credentials'],
      status: 2,
      names: /--resource URL: the client_credentials grant needs at least one resource.*add one/,
    },
    { args: ['client', 'create', '--name', 'x', '--id', 'has space'], status: 2, names: /--id ID: must be/ },
    {
      args: ['client', 'create', '--name', 'GATEWAY', '--redirect-uri', 'https://a.example/cb'],
      status: 1,
      names: /--name NAME: "GATEWAY" is the name of client gateway/,
    },
    {
      args: [
        'client',
        'create',
        '--name',
        'Dup',
        '--id',
        'gateway',
        '--redirect-uri',
        'https://a.example/cb',
      ],
      status: 1,
      names: /--id ID: a client with this id already exists/,
    },
    {
      args: ['client', 'update', 'gateway', '--add-redirect-uri', 'http://gw.example/cb'],
      status: 2,
      names: /--add-redirect-uri URI\/--remove-redirect-uri URI: must use https/,
    },
    {
      args: ['client', 'update', 'gateway', '--remove-redirect-uri', 'https://nope.example/cb'],
      status: 2,
      names: /"https:\/\/nope\.example\/cb" is not in the list/,
    },
    {
      args: ['client', 'update', 'gateway', '--add-grant', 'telepathy'],
      status: 2,
      names: /--add-grant TYPE.*unknown grant type "telepathy"/,
    },
    {
      args: ['client', 'update', 'gateway', '--auth-method', 'none'],
      status: 2,
      names: /--auth-method M: "none" is only for public clients/,
    },
    { args: ['client', 'update', 'nobody', '--name', 'x'], status: 1, names: /No client with id "nobody"/ },
    {
      args: ['client', 'secret', 'rotate', 'gateway', '--keep-old-for', 'a while'],
      status: 2,
      names: /--keep-old-for "a while" is not a duration/,
    },
    {
      args: ['client', 'secret', 'rotate', 'gateway', '--keep-old-for', '90d'],
      status: 2,
      names: /--keep-old-for DURATION: must be a duration from 0s to 30d/,
    },
    { args: ['client', 'show'], status: 2, names: /needs ID/ },
    { args: ['client', 'disable', 'nobody'], status: 1, names: /No client with id "nobody"/ },
  ];
  for (const { args, status, names } of refusals) {
    test(`\`latchkey ${args.join(' ')}\` exits ${status}, names the flag or value and changes nothing`, async () => {
      const before = (await cli(['client', 'list', '--json'], ws.env)).stdout;
      const r = await cli(args, ws.env);
      assert.equal(r.status, status, r.stderr);
      assert.match(r.stderr, names);
      assert.equal(r.stdout, '');
      assert.equal((await cli(['client', 'list', '--json'], ws.env)).stdout, before);
    });
  }

  test('client update adds and removes redirect URIs and scopes, keeping the id; list shows them', async () => {
    const r = await cli(
      [
        'client',
        'update',
        'gateway',
        '--add-redirect-uri',
        'https://gw2.example/cb',
        '--remove-redirect-uri',
        'https://gw.example/cb',
        '--add-scope',
        'groups',
        '--add-grant',
        'refresh_token',
        '--backchannel-logout-uri',
        'https://gw2.example/logout',
        '--json',
      ],
      ws.env,
    );
    assert.equal(r.status, 0, r.stderr);
    const updated = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(updated.redirect_uris, ['https://gw2.example/cb']);
    assert.equal(updated.scope, 'openid groups');
    assert.deepEqual(updated.grant_types, ['authorization_code', 'refresh_token']);
    const table = await cli(['client', 'list'], ws.env);
    assert.match(table.stdout, /^CLIENT ID +NAME +STATUS +AUTH METHOD +GRANTS +SCOPES +REDIRECT URIS$/m);
    assert.match(
      table.stdout,
      /gateway +Gateway +enabled +client_secret_basic +authorization_code,refresh_token +openid,groups +https:\/\/gw2\.example\/cb/,
    );
  });

  test('client secret rotate prints a new secret once; the old one is kept hashed with its expiry', async () => {
    const r = await cli(['client', 'secret', 'rotate', 'gateway', '--keep-old-for', '24h', '--json'], ws.env);
    assert.equal(r.status, 0, r.stderr);
    const rotated = JSON.parse(r.stdout) as { client_secret: string; old_secret_expires_at: number };
    assert.notEqual(rotated.client_secret, secret);
    const stores = await openProviderStores(ws.env.DATABASE_URL!);
    try {
      const stored = await stores.clients.get('gateway');
      assert.equal(stored?.previousSecret?.expiresAt, rotated.old_secret_expires_at);
      assert.ok(Math.abs(rotated.old_secret_expires_at - Date.now() / 1000 - 86400) < 60);
      assert.ok(
        !JSON.stringify(stored).includes(secret) && !JSON.stringify(stored).includes(rotated.client_secret),
      );
    } finally {
      await stores.close();
    }
    const text = await cli(['client', 'secret', 'rotate', 'gateway'], ws.env);
    assert.match(text.stdout, /^client_secret: \S{43}$/m);
    assert.match(text.stderr, /shown only this once/);
    assert.match(text.stderr, /old secret no longer works/);
  });

  test('client disable and enable flip the status, each audited with the cli actor', async () => {
    const off = await cli(['client', 'disable', 'gateway'], ws.env);
    assert.equal(off.status, 0, off.stderr);
    assert.match(off.stdout, /now disabled/);
    assert.equal(
      (
        JSON.parse((await cli(['client', 'show', 'gateway', '--json'], ws.env)).stdout) as {
          disabled: boolean;
        }
      ).disabled,
      true,
    );
    assert.match((await cli(['client', 'show', 'gateway'], ws.env)).stdout, /^status: +disabled$/m);
    assert.equal((await cli(['client', 'enable', 'gateway'], ws.env)).status, 0);
    const stores = await openProviderStores(ws.env.DATABASE_URL!);
    try {
      const events = await stores.audit.list({ limit: 2 });
      assert.deepEqual(
        events.map((e) => e.type),
        ['admin.client.enabled', 'admin.client.disabled'],
      );
      assert.deepEqual((events[0]?.details?.actor as { type?: string } | undefined)?.type, 'cli');
    } finally {
      await stores.close();
    }
  });
});
