import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AdminError, changeSettings, readSettings, resetSettings } from '../../src/admin/index.js';
import { createLiveSettings } from '../../src/settings/live.js';
import { RUNTIME_SETTINGS } from '../../src/settings/table.js';
import { frozenClock, sqliteStores, testConfig } from '../helpers/fixtures.js';

const actor = { type: 'console', id: 'admin-sub' } as const;

async function fixture() {
  const stores = await sqliteStores();
  const configured = testConfig();
  const clock = frozenClock();
  const deps = { settings: stores.settings, audit: stores.audit, configured };
  return { stores, configured, clock, deps };
}

const setting = (view: Awaited<ReturnType<typeof readSettings>>, name: string) =>
  view.settings.find((s) => s.name === name)!;

describe('runtime settings service', () => {
  test('lists every runtime setting with its configured value as the effective one, from config', async () => {
    const { deps, configured } = await fixture();
    const view = await readSettings(deps);
    assert.deepEqual(
      view.settings.map((s) => s.name),
      RUNTIME_SETTINGS.map((s) => s.name),
    );
    const access = setting(view, 'tokens.accessTokenLifetime');
    assert.equal(access.value, configured.tokens.accessTokenLifetime);
    assert.equal(access.configured, configured.tokens.accessTokenLifetime);
    assert.equal(access.source, 'config');
    assert.equal(access.override, undefined);
  });

  test('an override wins, names who set it and when, and is audited with the old and new value', async () => {
    const { deps, clock, stores } = await fixture();
    const view = await changeSettings(
      deps,
      { 'tokens.accessTokenLifetime': '5m', 'passwords.minLength': 16 },
      { actor, now: clock.now },
    );
    const access = setting(view, 'tokens.accessTokenLifetime');
    assert.deepEqual(
      {
        value: access.value,
        configured: access.configured,
        source: access.source,
        override: access.override,
      },
      { value: 300, configured: 600, source: 'override', override: { updatedAt: clock.now(), actor } },
    );
    assert.equal(setting(view, 'passwords.minLength').value, 16);
    const [event] = await stores.audit.list({ limit: 1 });
    assert.equal(event?.type, 'admin.settings.changed');
    assert.deepEqual(event?.details, {
      actor,
      changes: [
        { name: 'tokens.accessTokenLifetime', from: 600, to: 300, source: 'override' },
        { name: 'passwords.minLength', from: 12, to: 16, source: 'override' },
      ],
    });
  });

  test('a reset removes the override: the configured value applies again, audited', async () => {
    const { deps, stores } = await fixture();
    await changeSettings(deps, { 'device.interval': '10s' }, { actor });
    const view = await resetSettings(deps, ['device.interval'], { actor });
    const interval = setting(view, 'device.interval');
    assert.deepEqual([interval.value, interval.source], [5, 'config']);
    const [event] = await stores.audit.list({ limit: 1 });
    assert.deepEqual(event?.details?.['changes'], [
      { name: 'device.interval', from: 10, to: 5, source: 'config' },
    ]);
  });

  const refused: { name: string; input: Record<string, unknown>; field: string; message: RegExp }[] = [
    {
      name: 'a value that is not a duration',
      input: { 'tokens.idTokenLifetime': 'soon' },
      field: 'tokens.idTokenLifetime',
      message: /"soon" is not a duration/,
    },
    {
      name: 'a code lifetime over checklist A2’s 60 seconds (the config parser’s bound)',
      input: { 'authorization.codeLifetime': '2m' },
      field: 'authorization.codeLifetime',
      message: /at most 60s/,
    },
    {
      name: 'a password minimum under NIST’s 8',
      input: { 'passwords.minLength': 7 },
      field: 'passwords.minLength',
      message: /from 8 to 64/,
    },
    {
      name: 'a lifetime longer than keys.maxTokenLifetime (a rule between keys)',
      input: { 'tokens.accessTokenLifetime': '2d' },
      field: 'tokens.accessTokenLifetime',
      message: /longer than keys\.maxTokenLifetime/,
    },
    {
      name: 'self-registration without email configured',
      input: { 'selfRegistration.enabled': true },
      field: 'selfRegistration.enabled',
      message: /needs email/,
    },
    {
      name: 'the issuer, which is read only at start',
      input: { issuer: 'https://id.example' },
      field: 'issuer',
      message: /cannot be changed at run time.*restart/,
    },
    {
      name: 'the database URL, which is read only at start',
      input: { databaseUrl: 'postgres://x@db/latchkey' },
      field: 'databaseUrl',
      message: /cannot be changed at run time.*restart/,
    },
    {
      name: 'a key that is not a setting',
      input: { 'tokens.nope': 1 },
      field: 'tokens.nope',
      message: /is not a setting/,
    },
    { name: 'nothing to change', input: {}, field: 'settings', message: /at least one/ },
  ];
  for (const c of refused) {
    test(`refuses ${c.name}, naming the key, and changes nothing`, async () => {
      const { deps, stores } = await fixture();
      // A valid change in the same request is not applied either: all or nothing.
      await assert.rejects(
        changeSettings(
          deps,
          Object.keys(c.input).length === 0 ? {} : { 'device.interval': '9s', ...c.input },
          { actor },
        ),
        (error: unknown) =>
          error instanceof AdminError &&
          error.code === 'ERR_INVALID_INPUT' &&
          error.field === c.field &&
          c.message.test(error.message) &&
          !error.message.includes('postgres://x'),
      );
      assert.deepEqual(await stores.settings.read(), { revision: 0, overrides: [] });
      assert.equal((await stores.audit.list({ limit: 10 })).length, 0);
    });
  }

  test('a change against a revision someone else moved on is a conflict and writes nothing', async () => {
    const { deps, stores } = await fixture();
    await changeSettings(deps, { 'session.lifetime': '8h' }, { actor });
    await assert.rejects(
      changeSettings(deps, { 'session.lifetime': '4h' }, { actor, expectedRevision: 0 }),
      (error: unknown) => error instanceof AdminError && error.code === 'ERR_CONFLICT',
    );
    assert.equal(setting(await readSettings(deps), 'session.lifetime').value, 8 * 3600);
    assert.equal(await stores.settings.revision(), 1);
  });

  test('setting the value already in effect writes nothing and audits nothing', async () => {
    const { deps, stores } = await fixture();
    await changeSettings(deps, { 'audit.retention': '30d' }, { actor });
    await changeSettings(deps, { 'audit.retention': 30 * 86_400 }, { actor });
    assert.equal(await stores.settings.revision(), 1);
    assert.equal((await stores.audit.list({ limit: 10 })).length, 1);
  });

  test('a stored override the configuration no longer allows is ignored, reported, and not applied', async () => {
    const { deps, stores } = await fixture();
    await changeSettings(deps, { 'tokens.accessTokenLifetime': '12h' }, { actor });
    // The operator then lowers keys.maxTokenLifetime below it and restarts.
    const stricter = testConfig({ keys: { maxTokenLifetime: 3600 } });
    const view = await readSettings({ settings: stores.settings, configured: stricter });
    assert.equal(setting(view, 'tokens.accessTokenLifetime').value, 600);
    assert.equal(view.ignored[0]?.name, 'tokens.accessTokenLifetime');
    const live = createLiveSettings({ configured: stricter, store: stores.settings });
    await live.refresh();
    assert.equal(live.config.tokens.accessTokenLifetime, 600);
  });

  test('a refresh asked for while a check is reading runs again after it, so this instance sees its own change', async () => {
    const { deps, configured, stores } = await fixture();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let first = true;
    // The first check (the timer's) reads the settings, then is held until the change below is written:
    // what it read is already stale when it applies it.
    const store = {
      revision: () => stores.settings.revision(),
      read: async () => {
        const state = await stores.settings.read();
        if (first) {
          first = false;
          await held;
        }
        return state;
      },
    };
    const live = createLiveSettings({ configured, store });
    const stale = live.refresh();
    const changed = changeSettings({ ...deps, live }, { 'device.interval': '7s' }, { actor });
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await Promise.all([stale, changed]);
    assert.equal(live.config.device.interval, 7);
  });

  test('live settings start with the configured values when the database cannot be read, and say so in the log', async () => {
    const configured = testConfig();
    const warnings: string[] = [];
    const live = createLiveSettings({
      configured,
      store: {
        revision: () => Promise.reject(new Error('connection refused')),
        read: () => Promise.reject(new Error('connection refused')),
      },
      logger: { info() {}, error() {}, warn: (_object, message) => void warnings.push(message) },
    });
    await live.start();
    live.stop();
    assert.equal(live.config.tokens.accessTokenLifetime, configured.tokens.accessTokenLifetime);
    assert.deepEqual(warnings, ['runtime settings check failed; keeping the current values']);
  });

  test('live settings change in place on this instance’s own sections, never the configured object', async () => {
    const { deps, configured, stores } = await fixture();
    const live = createLiveSettings({ configured, store: stores.settings });
    await live.refresh();
    const tokens = live.config.tokens;
    await changeSettings({ ...deps, live }, { 'tokens.idTokenLifetime': '30m' }, { actor });
    assert.equal(
      tokens.idTokenLifetime,
      1800,
      'the section object held by consumers sees the change at once',
    );
    assert.equal(configured.tokens.idTokenLifetime, 3600);
    await resetSettings({ ...deps, live }, ['tokens.idTokenLifetime'], { actor });
    assert.equal(tokens.idTokenLifetime, 3600);
  });
});
