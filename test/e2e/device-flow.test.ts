/**
 * The device authorization grant (RFC 8628) end to end over HTTP: `openid-client` (v6) is the device —
 * discovery, the device authorization request, polling — against a provider started by `startProvider`
 * on a fresh SQLite data dir; the person's part (the /device page: code, sign-in, allow) is done with
 * plain HTTP form posts, as a browser would send them. The polling interval is set to 1 s, the least
 * the provider allows, because openid-client waits it out with real timers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, createUser, type RunningProvider } from '@latchkey/provider';
import * as client from 'openid-client';
import { HttpBrowser } from '../helpers/http-browser.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

const PASSWORD = 'correct horse battery staple';

/** A person at a browser on the /device page: cookies kept, same-origin form posts with the CSRF token. */
class Person {
  readonly #browser: HttpBrowser;
  #csrf = '';
  constructor(readonly issuer: string) {
    this.#browser = new HttpBrowser(new URL(issuer).origin);
  }

  async #send(url: string, form?: Record<string, string>): Promise<string> {
    const response = await this.#browser.request(
      url,
      form ? { form: { csrf_token: this.#csrf, ...form } } : {},
    );
    const page = await response.text();
    assert.equal(response.status, 200, page.slice(0, 400));
    this.#csrf = /name="csrf_token" value="([^"]+)"/.exec(page)?.[1] ?? this.#csrf;
    return page;
  }

  /** Opens the link the device showed, confirms the pre-filled code, signs in and answers. */
  async answer(verificationUriComplete: string, decision: 'approve' | 'deny'): Promise<string> {
    const page = await this.#send(verificationUriComplete);
    const userCode = /name="user_code"[^>]*value="([^"]+)"/.exec(page)?.[1];
    assert.ok(userCode, 'the code is pre-filled');
    const login = await this.#send(`${this.issuer}/device`, { user_code: userCode });
    assert.match(login, /name="password"/);
    const question = await this.#send(`${this.issuer}/device`, {
      interaction: userCode,
      username: 'alice',
      password: PASSWORD,
    });
    assert.match(question, /Allow this device\?/);
    return this.#send(`${this.issuer}/device`, { user_code: userCode, decision });
  }
}

describe('device authorization grant with openid-client as the device', () => {
  let provider: RunningProvider;
  let issuer: string;
  let op: TestProvider;
  let userId: string;

  before(async () => {
    op = await startTestProvider({ env: { LATCHKEY_DEVICE_INTERVAL: '1s' } });
    issuer = op.issuer;
    provider = op.provider;
    await createClient(provider.stores, {
      name: 'Terminal',
      clientId: 'terminal',
      public: true,
      grantTypes: ['urn:ietf:params:oauth:grant-type:device_code'],
      scopes: ['openid', 'profile'],
    });
    userId = (await createUser(provider.stores, { username: 'alice', password: PASSWORD, name: 'Alice' })).id;
  });
  after(async () => {
    await op?.close();
  });

  const discover = () =>
    client.discovery(new URL(issuer), 'terminal', {}, client.None(), {
      execute: [client.allowInsecureRequests],
    });

  test('the device gets a user code, the person allows it on /device, the device gets verified tokens', async () => {
    const config = await discover();
    assert.equal(config.serverMetadata().device_authorization_endpoint, `${issuer}/device_authorization`);
    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid profile' });
    assert.match(started.user_code, /^[BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$/);
    assert.equal(started.verification_uri, `${issuer}/device`);
    assert.equal(started.interval, 1);

    const done = await new Person(issuer).answer(started.verification_uri_complete!, 'approve');
    assert.match(done, /Device connected/);

    const tokens = await client.pollDeviceAuthorizationGrant(config, started);
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    assert.equal(tokens.claims()?.sub, userId);
    assert.equal(tokens.claims()?.aud, 'terminal');
    const userinfo = await client.fetchUserInfo(config, tokens.access_token, userId);
    assert.equal(userinfo.sub, userId);

    // The device code was used once: polling with it again is refused.
    await assert.rejects(client.pollDeviceAuthorizationGrant(config, started), (error: unknown) => {
      assert.equal((error as { error?: string }).error, 'invalid_grant');
      return true;
    });
  });

  test('a denied request ends the device’s polling with access_denied', async () => {
    const config = await discover();
    const started = await client.initiateDeviceAuthorization(config, { scope: 'openid' });
    await new Person(issuer).answer(started.verification_uri_complete!, 'deny');
    await assert.rejects(client.pollDeviceAuthorizationGrant(config, started), (error: unknown) => {
      assert.equal((error as { error?: string }).error, 'access_denied');
      return true;
    });
  });
});
