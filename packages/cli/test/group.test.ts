import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { cli, tempWorkspace } from './run-cli.js';

describe('latchkey group (create, add-member, remove-member, list, delete)', () => {
  const ws = tempWorkspace();
  after(() => ws.cleanup());
  before(async () => {
    for (const username of ['alice', 'bob']) {
      assert.equal(
        (await cli(['user', 'create', '--username', username, '--no-password'], ws.env)).status,
        0,
      );
    }
    assert.equal((await cli(['group', 'create', 'ops'], ws.env)).status, 0);
  });

  const refusals: { args: string[]; status: number; names: RegExp }[] = [
    { args: ['group', 'create', 'Ops'], status: 2, names: /GROUP: "Ops" is not a group name: .*lower-case/ },
    { args: ['group', 'create', 'ops'], status: 1, names: /"ops" already exists/ },
    { args: ['group', 'add-member', 'nope', 'alice'], status: 1, names: /No group named "nope"/ },
    { args: ['group', 'add-member', 'ops', 'nobody'], status: 1, names: /No user named "nobody"/ },
    { args: ['group', 'remove-member', 'ops', 'bob'], status: 1, names: /"bob" is not a member of ops/ },
    { args: ['group', 'add-member', 'ops'], status: 2, names: /needs USERNAME/ },
    { args: ['group', 'delete', 'nope'], status: 1, names: /No group named "nope"/ },
  ];
  for (const { args, status, names } of refusals) {
    test(`\`latchkey ${args.join(' ')}\` exits ${status} naming the bad value`, async () => {
      const r = await cli(args, ws.env);
      assert.equal(r.status, status, r.stderr);
      assert.match(r.stderr, names);
      assert.equal(r.stdout, '');
    });
  }

  test('members are added and removed; group list shows them; user show lists the groups', async () => {
    assert.equal((await cli(['group', 'add-member', 'ops', 'alice'], ws.env)).status, 0);
    assert.equal((await cli(['group', 'add-member', 'ops', 'BOB', '--json'], ws.env)).status, 0);
    const listed = JSON.parse((await cli(['group', 'list', '--json'], ws.env)).stdout) as {
      name: string;
      members: string[];
    }[];
    assert.deepEqual(
      listed.map((g) => [g.name, g.members]),
      [['ops', ['alice', 'bob']]],
    );
    assert.match((await cli(['group', 'list'], ws.env)).stdout, /^ops +alice,bob +\d{4}-/m);
    assert.deepEqual(
      (JSON.parse((await cli(['user', 'show', 'alice', '--json'], ws.env)).stdout) as { groups: string[] })
        .groups,
      ['ops'],
    );
    assert.equal((await cli(['group', 'remove-member', 'ops', 'alice'], ws.env)).status, 0);
    assert.deepEqual(
      (JSON.parse((await cli(['user', 'show', 'alice', '--json'], ws.env)).stdout) as { groups: string[] })
        .groups,
      [],
    );
  });

  test('group delete removes the group and its memberships', async () => {
    assert.equal((await cli(['group', 'create', 'temp'], ws.env)).status, 0);
    assert.equal((await cli(['group', 'add-member', 'temp', 'bob'], ws.env)).status, 0);
    assert.equal((await cli(['group', 'delete', 'temp', '--json'], ws.env)).status, 0);
    const shown = JSON.parse((await cli(['user', 'show', 'bob', '--json'], ws.env)).stdout) as {
      groups: string[];
    };
    assert.deepEqual(shown.groups, ['ops']);
  });
});
