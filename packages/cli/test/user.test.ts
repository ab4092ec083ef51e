import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { openProviderStores } from '@latchkey/provider';
import { cli, tempWorkspace } from './run-cli.js';

const PASSWORD = 'a sentence nobody has used';

describe('latchkey user (create policy, show, update, enable, delete) and admin create', () => {
  const ws = tempWorkspace();
  after(() => ws.cleanup());
  before(async () => {
    const r = await cli(
      ['user', 'create', '--username', 'alice', '--email', 'alice@example.com', '--password-stdin'],
      ws.env,
      PASSWORD,
    );
    assert.equal(r.status, 0, r.stderr);
  });

  const refusals: { args: string[]; stdin?: string; status: number; names: RegExp }[] = [
    {
      args: ['user', 'create', '--username', 'bob'],
      status: 2,
      names: /--password-stdin is required.*--no-password/,
    },
    {
      args: ['user', 'create', '--username', 'bob', '--password-stdin', '--no-password'],
      stdin: PASSWORD,
      status: 2,
      names: /not both/,
    },
    {
      args: ['user', 'create', '--username', 'bob', '--password-stdin'],
      stdin: 'hunter2',
      status: 2,
      names: /--password-stdin: must be at least 12 characters/,
    },
    {
      args: ['user', 'create', '--username', 'bob', '--password-stdin'],
      stdin: 'Password1234',
      status: 2,
      names: /--password-stdin: is one of the most common passwords/,
    },
    {
      args: ['user', 'create', '--username', 'bob', '--no-password', '--email', 'bob'],
      status: 2,
      names: /--email E: "bob" is not an email address/,
    },
    {
      args: ['user', 'create', '--username', 'b o b', '--no-password'],
      status: 2,
      names: /--username U: must be/,
    },
    {
      args: ['user', 'update', 'alice', '--zoneinfo', 'Mars/Olympus'],
      status: 2,
      names: /--zoneinfo V: "Mars\/Olympus" must be an IANA time zone/,
    },
    {
      args: ['user', 'update', 'alice', '--phone-number', '555-1234'],
      status: 2,
      names: /--phone-number V: .*starting with \+/,
    },
    {
      args: ['user', 'update', 'alice', '--website', 'ftp://x.example'],
      status: 2,
      names: /--website V: .*https URL/,
    },
    {
      args: ['user', 'update', 'alice', '--unset', 'shoe_size'],
      status: 2,
      names: /shoe_size: is not a profile claim/,
    },
    {
      args: ['user', 'update', 'alice', '--email-verified', '--email-unverified'],
      status: 2,
      names: /not both/,
    },
    { args: ['user', 'update', 'nobody', '--locale', 'en'], status: 1, names: /No user named "nobody"/ },
    {
      args: ['user', 'set-password', 'alice', '--password-stdin'],
      stdin: 'alice',
      status: 2,
      names: /at least 12/,
    },
    { args: ['user', 'enable', 'nobody'], status: 1, names: /No user named "nobody"/ },
    { args: ['user', 'delete', 'nobody'], status: 1, names: /No user named "nobody"/ },
  ];
  for (const { args, stdin, status, names } of refusals) {
    test(`\`latchkey ${args.join(' ')}\`${stdin ? ' (password on stdin)' : ''} exits ${status} naming the flag, and changes nothing`, async () => {
      const before = (await cli(['user', 'list', '--json'], ws.env)).stdout;
      const r = await cli(args, ws.env, stdin);
      assert.equal(r.status, status, r.stderr);
      assert.match(r.stderr, names);
      if (stdin) assert.ok(!r.stderr.includes(stdin), 'the password is never echoed');
      assert.equal((await cli(['user', 'list', '--json'], ws.env)).stdout, before);
    });
  }

  test('user create --no-password makes a user without a password, on purpose', async () => {
    const r = await cli(['user', 'create', '--username', 'service-owner', '--no-password', '--json'], ws.env);
    assert.equal(r.status, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { has_password: boolean }).has_password, false);
  });

  test('user update sets profile claims and email_verified; user show prints them with the groups', async () => {
    const r = await cli(
      [
        'user',
        'update',
        'alice',
        '--given-name',
        'Alice',
        '--family-name',
        'Liddell',
        '--locale',
        'en-GB',
        '--zoneinfo',
        'Europe/London',
        '--email-verified',
        '--json',
      ],
      ws.env,
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { changed: string[] }).changed.sort(), [
      'email_verified',
      'family_name',
      'given_name',
      'locale',
      'zoneinfo',
    ]);
    const shown = JSON.parse((await cli(['user', 'show', 'ALICE', '--json'], ws.env)).stdout) as Record<
      string,
      unknown
    >;
    assert.equal(shown.given_name, 'Alice');
    assert.equal(shown.email_verified, true);
    assert.deepEqual(shown.groups, []);
    assert.equal('password_hash' in shown, false);
    const unset = await cli(['user', 'update', 'alice', '--unset', 'locale'], ws.env);
    assert.match(unset.stdout, /Updated user alice: locale\./);
    assert.match((await cli(['user', 'show', 'alice'], ws.env)).stdout, /^given_name: +Alice$/m);
  });

  test('admin create makes a user in latchkey-admins', async () => {
    const r = await cli(
      ['admin', 'create', '--username', 'root', '--password-stdin', '--json'],
      ws.env,
      'root of all trust',
    );
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as { groups: string[] }).groups, ['latchkey-admins']);
    const shown = JSON.parse((await cli(['user', 'show', 'root', '--json'], ws.env)).stdout) as {
      groups: string[];
    };
    assert.deepEqual(shown.groups, ['latchkey-admins']);
  });

  test('user disable then enable; user delete erases the user, the audit log keeps only the sub', async () => {
    await cli(
      ['user', 'create', '--username', 'carol', '--email', 'carol@example.com', '--no-password'],
      ws.env,
    );
    assert.equal((await cli(['user', 'disable', 'carol'], ws.env)).status, 0);
    const enabled = await cli(['user', 'enable', 'carol', '--json'], ws.env);
    assert.equal((JSON.parse(enabled.stdout) as { disabled: boolean }).disabled, false);
    const deleted = await cli(['user', 'delete', 'carol', '--json'], ws.env);
    assert.equal(deleted.status, 0, deleted.stderr);
    const { sub } = JSON.parse(deleted.stdout) as { sub: string };
    assert.equal((await cli(['user', 'show', 'carol'], ws.env)).status, 1);
    const stores = await openProviderStores(ws.env.DATABASE_URL!);
    try {
      const events = await stores.audit.list({ limit: 50 });
      const carols = events.filter((e) => e.userId === sub).map((e) => e.type);
      assert.deepEqual(carols, [
        'admin.user.deleted',
        'admin.user.enabled',
        'admin.user.disabled',
        'admin.user.created',
      ]);
      assert.ok(!JSON.stringify(events).includes('carol'));
    } finally {
      await stores.close();
    }
  });
});
