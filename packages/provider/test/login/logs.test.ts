import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createClient, createUser } from '@latchkey/provider';
import { authorizeParams, Browser, hiddenInput, PASSWORD, responseParams } from '../authorize/harness.js';
import { appWithCapturedLog } from '../helpers/logged-app.js';

test('logs never contain the code, the password, cookies or CSRF tokens, even at trace level', async () => {
  // The access log too: its headers are redacted.
  const { app, stores, lines, close } = await appWithCapturedLog('trace', { logging: { requests: true } });
  await createClient(stores, {
    name: 'App',
    clientId: 'example-app',
    redirectUris: ['https://app.example.com/callback'],
  });
  await createUser(stores, { username: 'alice', password: PASSWORD });
  const browser = new Browser(app);
  const login = await browser.authorize(authorizeParams({ scope: 'openid' }));
  const csrf = hiddenInput(login.body, 'csrf_token');
  await browser.submitLogin(login, 'alice', 'a wrong password');
  const afterLogin = await browser.submitLogin(login, 'alice', PASSWORD);
  const done = await browser.submitConsent(await browser.follow(afterLogin), 'approve');
  const code = responseParams(String(done.headers.location)).get('code');
  assert.ok(code);
  await close();

  const log = lines.join('');
  assert.ok(lines.length > 5, 'the requests were logged');
  const secrets = {
    code,
    password: PASSWORD,
    wrongPassword: 'a wrong password',
    csrf,
    ...Object.fromEntries(browser.cookies),
  };
  for (const [name, value] of Object.entries(secrets)) {
    assert.equal(log.includes(value), false, `${name} appears in the log`);
  }
});
