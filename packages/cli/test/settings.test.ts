import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { cli, tempWorkspace } from './run-cli.js';

interface ShownSetting {
  name: string;
  value: unknown;
  configured: unknown;
  source: string;
  changed_by: { type: string; id: string } | null;
}

describe('latchkey settings (show, set, reset)', () => {
  const ws = tempWorkspace();
  after(() => ws.cleanup());
  const shown = async (name: string) => {
    const r = await cli(['settings', 'show', '--json'], ws.env);
    assert.equal(r.status, 0, r.stderr);
    return (JSON.parse(r.stdout) as { settings: ShownSetting[] }).settings.find((s) => s.name === name)!;
  };

  test('show lists each runtime setting with its value and source, as a table', async () => {
    const r = await cli(['settings', 'show'], ws.env);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^SETTING\s+VALUE\s+SOURCE\s+CONFIGURED\s+CHANGED$/m);
    assert.match(r.stdout, /^tokens\.accessTokenLifetime\s+10m\s+config\s+10m\s+-$/m);
    // An optional setting left unset: a dash, not "undefined".
    assert.match(r.stdout, /^ui\.supportContact\s+-\s+config\s+-\s+-$/m);
  });

  test('ui.supportContact: set to an address, shown (null in JSON while unset), reset to unset', async () => {
    assert.equal((await shown('ui.supportContact')).value, null);
    const set = await cli(['settings', 'set', 'ui.supportContact', 'support@example.com'], ws.env);
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stdout, /^ui\.supportContact\s+support@example\.com\s+override\s+-\s+/m);
    assert.equal((await shown('ui.supportContact')).value, 'support@example.com');
    const reset = await cli(['settings', 'reset', 'ui.supportContact'], ws.env);
    assert.equal(reset.status, 0, reset.stderr);
    const back = await shown('ui.supportContact');
    assert.deepEqual([back.value, back.configured, back.source], [null, null, 'config']);
  });

  test('set overrides a value (the environment’s value is the configured one), reset restores it', async () => {
    const env = { ...ws.env, LATCHKEY_PASSWORDS_MIN_LENGTH: '14' };
    const set = await cli(['settings', 'set', 'passwords.minLength', '20'], env);
    assert.equal(set.status, 0, set.stderr);
    assert.match(set.stdout, /^passwords\.minLength\s+20\s+override\s+14\s+\S+ by cli:/m);
    assert.match(set.stderr, /Running instances apply the change within 5s/);
    const after = await shown('passwords.minLength');
    assert.equal(after.value, 20);
    assert.equal(after.changed_by?.type, 'cli');
    const reset = await cli(['settings', 'reset', 'passwords.minLength', '--json'], env);
    assert.equal(reset.status, 0, reset.stderr);
    const back = (JSON.parse(reset.stdout) as { settings: ShownSetting[] }).settings.find(
      (s) => s.name === 'passwords.minLength',
    )!;
    assert.deepEqual([back.value, back.source], [14, 'config']);
  });

  const refusals: { args: string[]; names: RegExp }[] = [
    {
      args: ['settings', 'set', 'tokens.accessTokenLifetime', 'soon'],
      names: /tokens\.accessTokenLifetime: "soon" is not a duration/,
    },
    {
      args: ['settings', 'set', 'issuer', 'https://id.example'],
      names: /issuer: cannot be changed at run time: .*restart/,
    },
    { args: ['settings', 'set', 'tokens.bogus', '1'], names: /tokens\.bogus: is not a setting/ },
    {
      args: ['settings', 'set', 'ui.supportContact', 'Bob at the front desk'],
      names: /ui\.supportContact: "Bob at the front desk" must be an email address or an https URL/,
    },
    {
      args: ['settings', 'set', 'selfRegistration.enabled', 'true'],
      names: /selfRegistration\.enabled: needs email/,
    },
    { args: ['settings', 'reset', 'port'], names: /port: cannot be changed at run time/ },
    { args: ['settings', 'set', 'passwords.minLength'], names: /needs VALUE/ },
  ];
  for (const { args, names } of refusals) {
    test(`\`latchkey ${args.join(' ')}\` exits 2 naming the bad value, and changes nothing`, async () => {
      const r = await cli(args, ws.env);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, names);
      assert.equal(r.stdout, '');
      assert.equal((await shown('tokens.accessTokenLifetime')).source, 'config');
    });
  }

  test('--help names the verbs’ arguments', async () => {
    const r = await cli(['settings', 'set', '--help'], ws.env);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: latchkey settings set NAME VALUE/);
    assert.match(r.stdout, /--json/);
  });
});
