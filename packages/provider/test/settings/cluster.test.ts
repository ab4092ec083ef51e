import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  changeSettings,
  createClient,
  createLogger,
  openProviderStores,
  startProvider,
} from '@latchkey/provider';
import { describeEachDialect } from '@latchkey/store/testing';
import { decodeJwt } from '../end-session/fixture.js';
import { testConfig } from '../helpers/fixtures.js';
import { basicAuth } from '../refresh/fixture.js';

const SECRET = Buffer.alloc(32, 7).toString('base64url');
/** Seconds between checks in this test (the default is 5): the propagation under test, made quick. */
const RELOAD = 0.2;

describeEachDialect('runtime settings in a cluster', (ctx) => {
  test('a change made on one instance reaches another on the same database within the reload interval', async (t) => {
    const databaseUrl = await ctx.freshUrl();
    const config = testConfig({ databaseUrl, port: 0, secret: SECRET });
    const logger = createLogger('silent');
    const one = await startProvider(config, { logger, settingsReloadInterval: RELOAD });
    t.after(() => one.close());
    const two = await startProvider(config, { logger, settingsReloadInterval: RELOAD });
    t.after(() => two.close());
    const { secret } = await createClient(one.stores, {
      name: 'Robot',
      clientId: 'robot',
      grantTypes: ['client_credentials'],
      scopes: ['reports'],
      allowedResources: ['https://api.example'],
    });
    const lifetimeAt = async (url: string) => {
      const response = await fetch(`${url}/token`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: basicAuth('robot', secret!),
        },
        body: 'grant_type=client_credentials&resource=https%3A%2F%2Fapi.example',
      });
      assert.equal(response.status, 200, await response.clone().text());
      const claims = decodeJwt(((await response.json()) as { access_token: string }).access_token).claims;
      return Number(claims['exp']) - Number(claims['iat']);
    };
    assert.deepEqual([await lifetimeAt(one.url), await lifetimeAt(two.url)], [600, 600]);

    // As `latchkey settings set` does: a third process writes the database, no instance is told.
    const admin = await openProviderStores(databaseUrl);
    t.after(() => admin.close());
    await changeSettings(
      { settings: admin.settings, audit: admin.audit, configured: config },
      { 'tokens.accessTokenLifetime': '3m' },
      { actor: { type: 'cli', id: 'ops' } },
    );
    const changedAt = Date.now();
    for (const instance of [one, two]) {
      while ((await lifetimeAt(instance.url)) !== 180) {
        assert.ok(Date.now() - changedAt < 10 * RELOAD * 1000, 'the change reached the instance in time');
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    }
  });
});
