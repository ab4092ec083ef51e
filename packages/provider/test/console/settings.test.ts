/** The console's Settings page: view, change and reset runtime settings (issue 15), under N2. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatSettingValue, readSettings } from '@latchkey/provider';
import { hiddenInput } from '../authorize/harness.js';
import {
  type ConsoleFixture,
  consoleBrowser,
  consoleFixture,
  ISSUER,
  postFrom,
  SAME_ORIGIN,
} from './fixture.js';

let f: ConsoleFixture;
before(async () => {
  f = await consoleFixture(ISSUER);
});
after(() => f.close());

/** Every field of the form as the page shows it, with `changes` on top: what a person submits. */
async function formWith(changes: Record<string, string>) {
  const view = await readSettings({ settings: f.stores.settings, configured: f.config });
  return {
    ...Object.fromEntries(view.settings.map((s) => [s.name, formatSettingValue(s.kind, s.value)])),
    revision: String(view.revision),
    ...changes,
  };
}
const auditCount = async () => (await f.stores.audit.list({ limit: 1000 })).length;

describe('console settings page', () => {
  test('lists every runtime setting with its value and where it comes from, linked in the console nav', async () => {
    const browser = await consoleBrowser(f);
    const page = await browser.get('/admin/settings');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<a href="\/admin\/settings" aria-current="page">Settings<\/a>/);
    assert.match(
      page.body,
      /<input id="s-tokens-accessTokenLifetime" name="tokens.accessTokenLifetime" type="text" value="10m"/,
    );
    assert.match(page.body, /<option value="false" selected>off<\/option>/);
    assert.match(page.body, /From configuration\./);
    assert.ok(hiddenInput(page.body, 'csrf_token'));
  });

  test('saving applies only the fields changed, on this instance at once, audited as the console admin', async () => {
    const browser = await consoleBrowser(f);
    const saved = await postFrom(
      browser,
      '/admin/settings',
      '/admin/settings',
      await formWith({ 'tokens.accessTokenLifetime': '5m' }),
    );
    assert.equal(saved.statusCode, 303, saved.body);
    assert.equal(saved.headers.location, '/admin/settings?done=settings-saved');
    assert.equal(f.settings.config.tokens.accessTokenLifetime, 300);
    const view = await readSettings({ settings: f.stores.settings, configured: f.config });
    assert.deepEqual(
      view.settings.filter((s) => s.source === 'override').map((s) => s.name),
      ['tokens.accessTokenLifetime'],
    );
    const [event] = await f.stores.audit.list({ limit: 1 });
    assert.equal(event?.type, 'admin.settings.changed');
    assert.deepEqual(event?.details?.['actor'], { type: 'console', id: f.admin.id });
    const page = await browser.get('/admin/settings?done=settings-saved');
    assert.match(page.body, /Changed by console/);

    const reset = await postFrom(browser, '/admin/settings', '/admin/settings/reset', {
      name: 'tokens.accessTokenLifetime',
      revision: String(view.revision),
    });
    assert.equal(reset.statusCode, 303);
    assert.equal(f.settings.config.tokens.accessTokenLifetime, 600);
  });

  test('ui.supportContact: an optional field (empty, not required, as long as an address may be); set, shown on the error pages, emptied', async () => {
    const browser = await consoleBrowser(f);
    const page = await browser.get('/admin/settings');
    const field = /<input id="s-ui-supportContact"[^>]*>/.exec(page.body)?.[0];
    assert.ok(field, 'the field is on the page');
    assert.match(field, /value="" maxlength="254" aria-describedby/);
    assert.doesNotMatch(field, /required/);
    assert.match(page.body, /<input id="s-ui-productName"[^>]* maxlength="60" required/);

    const saved = await postFrom(
      browser,
      '/admin/settings',
      '/admin/settings',
      await formWith({ 'ui.supportContact': 'it-help@example.com' }),
    );
    assert.equal(saved.statusCode, 303, saved.body);
    const error = await f.app.inject({ url: '/nowhere', headers: { accept: 'text/html' } });
    assert.match(error.body, /Need help\? Contact <a href="mailto:it-help@example\.com">/);
    assert.match(
      (await browser.get('/admin/settings')).body,
      /id="s-ui-supportContact"[^>]* value="it-help@example\.com"/,
    );

    const emptied = await postFrom(
      browser,
      '/admin/settings',
      '/admin/settings',
      await formWith({ 'ui.supportContact': '' }),
    );
    assert.equal(emptied.statusCode, 303, emptied.body);
    assert.equal(f.settings.config.ui.supportContact, '');
    const after = await f.app.inject({ url: '/nowhere', headers: { accept: 'text/html' } });
    assert.doesNotMatch(after.body, /Need help/);
    const view = await readSettings({ settings: f.stores.settings, configured: f.config });
    await postFrom(browser, '/admin/settings', '/admin/settings/reset', {
      name: 'ui.supportContact',
      revision: String(view.revision),
    });
    assert.equal(f.settings.config.ui.supportContact, undefined);
  });

  test('a bad value is shown back with the error naming the key, and nothing changes', async () => {
    const browser = await consoleBrowser(f);
    const before = await auditCount();
    const refused = await postFrom(
      browser,
      '/admin/settings',
      '/admin/settings',
      await formWith({ 'device.interval': '2m', 'passwords.minLength': '20' }),
    );
    assert.equal(refused.statusCode, 400);
    assert.match(
      refused.body,
      /role="alert">device\.interval: &quot;2m&quot; must be a duration from 1s to 60s/,
    );
    assert.match(refused.body, /name="device.interval" type="text" value="2m"/);
    assert.equal(f.settings.config.passwords.minLength, 12, 'all or nothing');
    assert.equal(await auditCount(), before);
  });

  test('a form read before someone else’s change is refused as a conflict', async () => {
    const browser = await consoleBrowser(f);
    const stale = await formWith({ 'session.lifetime': '8h' });
    await postFrom(
      browser,
      '/admin/settings',
      '/admin/settings',
      await formWith({ 'session.lifetime': '6h' }),
    );
    const refused = await postFrom(browser, '/admin/settings', '/admin/settings', stale);
    assert.equal(refused.statusCode, 409);
    assert.equal(f.settings.config.session.lifetime, 6 * 3600);
  });

  test('N2: a change without the CSRF token is refused; with a stale sign-in the admin re-authenticates first; neither changes anything', async () => {
    const browser = await consoleBrowser(f);
    const before = await auditCount();
    const forged = await browser.post(
      '/admin/settings',
      await formWith({ 'passwords.minLength': '8' }),
      SAME_ORIGIN,
    );
    assert.equal(forged.statusCode, 403);
    f.clock.advance(301);
    const stale = await postFrom(
      browser,
      '/admin/settings',
      '/admin/settings',
      await formWith({ 'passwords.minLength': '8' }),
    );
    assert.equal(stale.statusCode, 303);
    assert.match(String(stale.headers.location), /^\/admin\/sign-in\?reauth=1&next=%2Fadmin%2Fsettings$/);
    assert.equal(f.settings.config.passwords.minLength, 12);
    assert.equal(await auditCount(), before);
  });
});
