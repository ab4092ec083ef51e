import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AdminError } from '../../src/admin/errors.js';
import { changeSettings, readSettings, resetSettings } from '../../src/admin/index.js';
import { testProviderApp } from '../helpers/fixtures.js';

type Provider = Awaited<ReturnType<typeof testProviderApp>>;

/**
 * `ui.supportContact`: whom a stuck person contacts, on the error pages and the sign-in page, changed
 * at run time like the product name (the admin service here; the API, CLI and console go through it).
 */
describe('ui.supportContact', () => {
  const actor = { type: 'console', id: 'admin' } as const;
  let p: Provider;
  const deps = (provider: Provider) => ({
    settings: provider.stores.settings,
    audit: provider.stores.audit,
    configured: provider.config,
    live: provider.settings,
  });
  const set = (value: string, provider = p) =>
    changeSettings(deps(provider), { 'ui.supportContact': value }, { actor });
  const reset = (provider = p) => resetSettings(deps(provider), ['ui.supportContact'], { actor });
  /** An error page (an address that does not exist) and the sign-in page (the account area's). */
  const pages = async (provider = p) => {
    const get = (url: string) => provider.app.inject({ url, headers: { accept: 'text/html' } });
    const [error, signIn] = await Promise.all([get('/no-such-page'), get('/account')]);
    assert.equal(error.statusCode, 404);
    assert.match(error.body, /<title>Page not found/);
    assert.equal(signIn.statusCode, 200);
    assert.match(signIn.body, /<title>Sign in/);
    return { error: error.body, signIn: signIn.body };
  };

  before(async () => {
    p = await testProviderApp();
  });
  after(() => p.close());

  test('unset (the default): no support line on any page, and the setting reads as unset', async () => {
    const { error, signIn } = await pages();
    assert.doesNotMatch(error + signIn, /class="support"/);
    const shown = (await readSettings(deps(p))).settings.find((s) => s.name === 'ui.supportContact')!;
    assert.deepEqual([shown.value, shown.configured, shown.source], [undefined, undefined, 'config']);
  });

  test('an email address set at run time: the error and sign-in pages say to write to it; reset: gone', async () => {
    await set(' support@example.com ');
    const { error, signIn } = await pages();
    const link = '<a href="mailto:support@example.com">support@example.com</a>';
    assert.ok(error.includes(`<p class="support">Need help? Contact ${link}.</p>`), error);
    assert.ok(signIn.includes(`<p class="support">Trouble signing in? Contact ${link}.</p>`), signIn);

    await reset();
    const [setEvent, resetEvent] = (
      await p.stores.audit.list({ limit: 2, type: 'admin.settings.changed' })
    ).reverse();
    assert.deepEqual(
      [setEvent?.details?.['changes'], resetEvent?.details?.['changes']],
      [
        [{ name: 'ui.supportContact', from: null, to: 'support@example.com', source: 'override' }],
        [{ name: 'ui.supportContact', from: 'support@example.com', to: null, source: 'config' }],
      ],
      'audited with the old and new value, null for unset',
    );
    const back = await pages();
    assert.doesNotMatch(back.error + back.signIn, /class="support"|support@example\.com/);
  });

  test('a URL: a link to it, HTML-escaped in the attribute and the text', async () => {
    await set("https://Help.Example/it's/?topic=a&b");
    const { error } = await pages();
    const url = 'https://help.example/it&#39;s/?topic=a&amp;b';
    assert.ok(error.includes(`Need help? Contact <a href="${url}">${url}</a>.`), error);
    assert.doesNotMatch(error, /it's|&b/);
    await reset();
  });

  const refused = [
    'helpdesk',
    'support@localhost',
    'http://help.example.com/',
    'javascript:alert(1)',
    'mailto:support@example.com',
    'support@example.com?subject=hi',
    '<b>@example.com',
  ];
  for (const value of refused) {
    test(`refuses ${JSON.stringify(value)}, naming the key and the value, and changes nothing`, async () => {
      await set('support@example.com');
      await assert.rejects(set(value), (error: unknown) => {
        assert.ok(error instanceof AdminError);
        assert.equal(
          error.message,
          `ui.supportContact: ${JSON.stringify(value)} must be an email address or an https URL`,
        );
        return true;
      });
      assert.match((await pages()).error, /Contact <a href="mailto:support@example\.com">/);
      await reset();
    });
  }

  test('an empty value at run time hides a configured contact; reset brings it back', async () => {
    const configured = await testProviderApp({ overrides: { ui: { supportContact: 'help@example.com' } } });
    try {
      assert.match((await pages(configured)).error, /Contact <a href="mailto:help@example\.com">/);
      await set('', configured);
      assert.doesNotMatch((await pages(configured)).error, /class="support"/);
      await reset(configured);
      assert.match(
        (await pages(configured)).signIn,
        /Trouble signing in\? Contact <a href="mailto:help@example\.com">/,
      );
    } finally {
      await configured.close();
    }
  });
});
