import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from '../end-session/fixture.js';
import { API, adminApiFixture, apiCaller } from './fixture.js';

type Fixture = Awaited<ReturnType<typeof adminApiFixture>>;

describe('admin API: runtime settings', () => {
  let fixture: Fixture;
  let token: string;
  const call = apiCaller(() => ({ fixture, token }));
  const etag = async () => String((await call('GET', '/settings')).headers.etag);
  const patch = async (body: unknown) =>
    call('PATCH', '/settings', { body, headers: { 'if-match': await etag() } });
  const setting = (body: { settings: { name: string }[] }, name: string) =>
    body.settings.find((s) => s.name === name) as Record<string, unknown>;

  before(async () => {
    fixture = await adminApiFixture({
      overrides: {
        email: { from: 'id@example.com', smtp: { host: '127.0.0.1' } },
        selfRegistration: { enabled: true },
      },
      deps: { mailer: { send: async () => {} } },
    });
    token = await fixture.userToken(fixture.root.id);
  });
  after(() => fixture.close());

  test('GET lists each setting with its effective and configured value and its source, under an ETag', async () => {
    const response = await call('GET', '/settings');
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers.etag), /^"[\w-]+"$/);
    assert.deepEqual(setting(response.json(), 'tokens.accessTokenLifetime'), {
      name: 'tokens.accessTokenLifetime',
      kind: 'duration',
      description: 'Lifetime of new access tokens',
      value: 600,
      configured: 600,
      source: 'config',
      changedAt: null,
      changedBy: null,
    });
  });

  test('N3: PATCH without If-Match is 428, with a stale tag 412, and changes nothing', async () => {
    const stale = await etag();
    assert.equal((await call('PATCH', '/settings', { body: { 'device.interval': '7s' } })).statusCode, 428);
    await patch({ 'device.interval': '6s' });
    const raced = await call('PATCH', '/settings', {
      body: { 'device.interval': '8s' },
      headers: { 'if-match': stale },
    });
    assert.equal(raced.statusCode, 412);
    assert.equal(setting((await call('GET', '/settings')).json(), 'device.interval')['value'], 6);
    await call('DELETE', '/settings/device.interval', { headers: { 'if-match': await etag() } });
  });

  const refusals: { name: string; body: unknown; field: string; detail: RegExp }[] = [
    {
      name: 'an unknown member',
      body: { 'tokens.nope': 1 },
      field: 'body.tokens.nope',
      detail: /is not a known field/,
    },
    {
      name: 'a key read only at start',
      body: { issuer: 'https://id.example' },
      field: 'issuer',
      detail: /issuer: cannot be changed at run time.*restart/,
    },
    {
      name: 'a value the config parser refuses',
      body: { 'device.codeLifetime': '2h' },
      field: 'device.codeLifetime',
      detail: /"2h" must be a duration from 60s to 30m/,
    },
    {
      name: 'a value of the wrong type',
      body: { 'selfRegistration.enabled': 'yes' },
      field: 'body.selfRegistration.enabled',
      detail: /./,
    },
    { name: 'an empty change', body: {}, field: 'body', detail: /./ },
    {
      name: 'a support contact that is neither an email address nor an https URL',
      body: { 'ui.supportContact': 'ring Bob' },
      field: 'ui.supportContact',
      detail: /^ui\.supportContact: "ring Bob" must be an email address or an https URL$/,
    },
    {
      name: 'a product name that is empty (the configuration check refuses it, not the schema)',
      body: { 'ui.productName': '' },
      field: 'ui.productName',
      detail: /"" must be 1 to 60 printable characters/,
    },
  ];
  for (const r of refusals) {
    test(`PATCH refuses ${r.name} with a 400 naming it, and changes nothing`, async () => {
      const before = (await call('GET', '/settings')).json().revision;
      const response = await patch(r.body);
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(response.json().field, r.field);
      assert.match(response.json().detail, r.detail);
      assert.equal((await call('GET', '/settings')).json().revision, before);
    });
  }

  test('a read-only token may read the settings but not change them', async () => {
    const reader = await fixture.userToken(fixture.root.id, { scopes: ['latchkey:admin.read'] });
    const headers = { authorization: `Bearer ${reader}` };
    assert.equal((await fixture.app.inject({ url: `${API}/settings`, headers })).statusCode, 200);
    const refused = await fixture.app.inject({
      method: 'PATCH',
      url: `${API}/settings`,
      headers: { ...headers, 'if-match': await etag() },
      payload: { 'passwords.minLength': 20 },
    });
    assert.equal(refused.statusCode, 403);
  });

  test('the access token lifetime: the next token follows at once, audited with the actor, old and new value; DELETE restores it', async () => {
    const changed = await patch({ 'tokens.accessTokenLifetime': '2m' });
    assert.equal(changed.statusCode, 200, changed.body);
    const shown = setting(changed.json(), 'tokens.accessTokenLifetime');
    assert.deepEqual(
      [shown['value'], shown['source'], shown['changedBy'], shown['changedAt']],
      [120, 'override', { type: 'admin-api', id: fixture.root.id }, fixture.clock.now()],
    );
    assert.equal(changed.headers.etag, await etag());
    const claims = decodeJwt(await fixture.serviceToken()).claims;
    assert.equal(Number(claims['exp']) - Number(claims['iat']), 120);
    const [event] = await fixture.stores.audit.list({ limit: 1 });
    assert.equal(event?.type, 'admin.settings.changed');
    assert.deepEqual(event?.details, {
      actor: { type: 'admin-api', id: fixture.root.id },
      changes: [{ name: 'tokens.accessTokenLifetime', from: 600, to: 120, source: 'override' }],
    });

    const restored = await call('DELETE', '/settings/tokens.accessTokenLifetime', {
      headers: { 'if-match': await etag() },
    });
    assert.equal(restored.statusCode, 200, restored.body);
    assert.equal(setting(restored.json(), 'tokens.accessTokenLifetime')['source'], 'config');
    const again = decodeJwt(await fixture.serviceToken()).claims;
    assert.equal(Number(again['exp']) - Number(again['iat']), 600);
  });

  test('ui.supportContact: unset reads null; a URL set shows on the error pages; "" is none; DELETE unsets it', async () => {
    const unset = setting((await call('GET', '/settings')).json(), 'ui.supportContact');
    assert.deepEqual([unset['value'], unset['configured'], unset['source']], [null, null, 'config']);
    const errorPage = async () =>
      (await fixture.app.inject({ url: '/nowhere', headers: { accept: 'text/html' } })).body;

    const changed = await patch({ 'ui.supportContact': 'https://help.example.com/latchkey' });
    assert.equal(changed.statusCode, 200, changed.body);
    assert.equal(setting(changed.json(), 'ui.supportContact')['value'], 'https://help.example.com/latchkey');
    assert.match(await errorPage(), /Need help\? Contact <a href="https:\/\/help\.example\.com\/latchkey">/);

    const none = await patch({ 'ui.supportContact': '' });
    assert.equal(none.statusCode, 200, none.body);
    assert.deepEqual(
      [
        setting(none.json(), 'ui.supportContact')['value'],
        setting(none.json(), 'ui.supportContact')['source'],
      ],
      ['', 'override'],
    );
    assert.doesNotMatch(await errorPage(), /Need help/);

    const removed = await call('DELETE', '/settings/ui.supportContact', {
      headers: { 'if-match': await etag() },
    });
    assert.equal(removed.statusCode, 200, removed.body);
    assert.equal(setting(removed.json(), 'ui.supportContact')['value'], null);
  });

  test('DELETE of a key read only at start names it and says it needs a restart', async () => {
    const response = await call('DELETE', '/settings/databaseUrl', { headers: { 'if-match': await etag() } });
    assert.equal(response.statusCode, 400);
    assert.match(response.json().detail, /databaseUrl: cannot be changed at run time/);
  });

  test('passwords.minLength: a new password shorter than the new minimum is refused at once', async () => {
    assert.equal((await patch({ 'passwords.minLength': 20 })).statusCode, 200);
    const short = await call('PUT', '/users/carol/password', { body: { password: 'fifteen chars!!' } });
    assert.equal(short.statusCode, 400);
    assert.match(short.json().detail, /at least 20 characters/);
    await call('DELETE', '/settings/passwords.minLength', { headers: { 'if-match': await etag() } });
    const ok = await call('PUT', '/users/carol/password', { body: { password: 'fifteen chars!!' } });
    assert.equal(ok.statusCode, 204, ok.body);
  });

  test('selfRegistration.enabled: closing registration takes its page and form away at once; reopening brings them back', async () => {
    const page = () => fixture.app.inject({ url: '/account/register', headers: { accept: 'text/html' } });
    assert.equal((await page()).statusCode, 200);
    assert.equal((await patch({ 'selfRegistration.enabled': false })).statusCode, 200);
    const closed = await page();
    assert.equal(closed.statusCode, 404);
    assert.match(String(closed.headers['content-type']), /^text\/html/);
    const posted = await fixture.app.inject({
      method: 'POST',
      url: '/account/register',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'username=mallory&email=m%40example.com&new_password=x&confirm_password=x',
    });
    assert.equal(posted.statusCode, 404);
    assert.equal(await fixture.stores.users.getByUsername('mallory'), undefined);
    await call('DELETE', '/settings/selfRegistration.enabled', { headers: { 'if-match': await etag() } });
    assert.equal((await page()).statusCode, 200);
  });
});
