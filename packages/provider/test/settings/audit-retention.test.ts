import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient, createLogger, startProvider } from '@latchkey/provider';
import { describeEachDialect } from '@latchkey/store/testing';
import { adminApiAudience } from '../../src/admin-api/index.js';
import { testConfig } from '../helpers/fixtures.js';
import { basicAuth } from '../refresh/fixture.js';

const SECRET = Buffer.alloc(32, 5).toString('base64url');
const DAY = 86_400;

/**
 * `audit.retention` is a runtime setting: a change made through the admin API while the provider runs
 * decides what the running provider's housekeeping deletes on its next pass, without a restart.
 */
describeEachDialect('audit.retention changed at run time', (ctx) => {
  test("the running provider's next housekeeping pass prunes by the new retention", async (t) => {
    const config = testConfig({ databaseUrl: await ctx.freshUrl(), port: 0, secret: SECRET });
    const provider = await startProvider(config, { logger: createLogger('silent') });
    t.after(() => provider.close());
    const { stores } = provider;
    const now = Math.floor(Date.now() / 1000);
    await stores.audit.append({ type: 'test.forty_days_old', at: now - 40 * DAY });
    await stores.audit.append({ type: 'test.ten_days_old', at: now - 10 * DAY });
    const testEvents = async () =>
      (await stores.audit.list({ limit: 10, typePrefix: 'test.' })).map((e) => e.type).sort();

    // Under the configured 90 days both are kept by a pass that ran.
    assert.equal(config.audit.retention, 90 * DAY);
    assert.equal((await provider.housekeeping.runOnce()).ran, true);
    assert.deepEqual(await testEvents(), ['test.forty_days_old', 'test.ten_days_old']);

    const token = await adminToken(provider.url, stores);
    const api = (method: string, path: string, init: { body?: unknown; etag?: string } = {}) =>
      fetch(`${provider.url}/admin/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...(init.etag === undefined ? {} : { 'if-match': init.etag }),
        },
        ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
      });
    const etag = String((await api('GET', '/settings')).headers.get('etag'));
    const changed = await api('PATCH', '/settings', { body: { 'audit.retention': '30d' }, etag });
    assert.equal(changed.status, 200, await changed.clone().text());

    assert.equal((await provider.housekeeping.runOnce()).ran, true);
    assert.deepEqual(await testEvents(), ['test.ten_days_old'], 'older than 30 days: pruned; newer: kept');
  });
});

/** A client_credentials token for the admin API from the running provider's token endpoint. */
async function adminToken(url: string, stores: Parameters<typeof createClient>[0]): Promise<string> {
  const discovery = (await (await fetch(`${url}/.well-known/openid-configuration`)).json()) as {
    issuer: string;
  };
  const audience = adminApiAudience(discovery.issuer);
  const { secret } = await createClient(stores, {
    name: 'Admin robot',
    clientId: 'admin-robot',
    grantTypes: ['client_credentials'],
    scopes: ['latchkey:admin'],
    allowedResources: [audience],
  });
  const response = await fetch(`${url}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: basicAuth('admin-robot', secret!),
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', resource: audience }).toString(),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { access_token: string }).access_token;
}
