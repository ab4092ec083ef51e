import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from '@latchkey/provider';
import {
  authorizeParams,
  Browser,
  createHarness,
  type Harness,
  PASSWORD,
  REDIRECT_URI,
} from '../authorize/harness.js';

let h: Harness;
before(async () => {
  h = await createHarness();
  await createClient(h.stores, {
    name: 'Bank',
    clientId: 'bank',
    public: true,
    redirectUris: [REDIRECT_URI],
    mfa: 'required',
  });
});
after(() => h.close());

test('mfa required by the client: a user without a second factor is signed in and sent to set one up, with no code issued', async () => {
  const browser = new Browser(h.app);
  const login = await browser.loginForm(
    await browser.authorize(authorizeParams({ client_id: 'bank', scope: 'openid' })),
  );
  const answer = await browser.submitLogin(login!, 'alice', PASSWORD);
  assert.equal(answer.statusCode, 403);
  assert.match(answer.body, /Bank requires two-step verification/);
  assert.match(answer.body, /href="\/account"/);
  assert.equal(answer.headers.location, undefined, 'nothing goes back to the client');
  // The password was right: the account page opens, where the app can be set up.
  const account = await browser.get('/account');
  assert.match(account.body, /Set up an authenticator app/);
});

test('prompt=none to a client that requires mfa, for a user without it, is interaction_required', async () => {
  const browser = new Browser(h.app);
  await browser.signIn(authorizeParams({ scope: 'openid' }));
  const silent = await browser.authorize(
    authorizeParams({ client_id: 'bank', scope: 'openid', prompt: 'none' }),
  );
  const location = new URL(String(silent.headers.location));
  assert.equal(location.searchParams.get('error'), 'interaction_required');
});

test('a client without its own mfa follows the provider default', async () => {
  const strict = await createHarness({ mfa: { default: 'required' } });
  try {
    const browser = new Browser(strict.app);
    const login = await browser.loginForm(await browser.authorize(authorizeParams({ scope: 'openid' })));
    const answer = await browser.submitLogin(login!, 'alice', PASSWORD);
    assert.equal(answer.statusCode, 403);
    assert.match(answer.body, /requires two-step verification/);
  } finally {
    await strict.close();
  }
});
