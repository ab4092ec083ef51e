/**
 * Step-up with `openid-client` (v6) as the relying party, against a provider started by `startProvider`:
 * a person signs in with a password, sets up an authenticator app on the account page, and the client
 * then asks `acr_values=urn:latchkey:acr:mfa` with `max_age=0`. The person is asked for the code only,
 * and openid-client checks the ID token (signature, nonce, auth_time against max_age); its acr, amr and
 * auth_time say what happened.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient, createUser } from '@latchkey/provider';
import * as client from 'openid-client';
import { generate } from 'otplib';
import { HttpBrowser, readForm } from '../helpers/http-browser.js';
import { signInOverHttp } from '../helpers/http-sign-in.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'correct horse battery staple';
const MFA = 'urn:latchkey:acr:mfa';

let op: TestProvider;
let config: client.Configuration;

before(async () => {
  op = await startTestProvider();
  const created = await createClient(op.provider.stores, {
    name: 'Bank',
    clientId: 'bank',
    redirectUris: [REDIRECT_URI],
    scopes: ['openid'],
  });
  await createUser(op.provider.stores, { username: 'alice', password: PASSWORD });
  config = await client.discovery(
    new URL(op.issuer),
    'bank',
    { redirect_uris: [REDIRECT_URI] },
    client.ClientSecretBasic(created.secret!),
    { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
  );
});
after(() => op?.close());

async function authorization(extra: Record<string, string> = {}) {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const state = client.randomState();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: REDIRECT_URI,
    scope: 'openid',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    nonce,
    state,
    ...extra,
  });
  return { url, checks: { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state } };
}

/** Sets up an authenticator app on /account (the browser is signed in); returns its base32 key. */
async function enrolApp(browser: HttpBrowser): Promise<string> {
  const page = await (await browser.request(`${op.issuer}/account`)).text();
  const { hidden } = readForm(page, op.issuer);
  assert.equal(
    (await browser.request(`${op.issuer}/account/factors/totp/begin`, { form: hidden })).status,
    303,
  );
  const pending = await (await browser.request(`${op.issuer}/account`)).text();
  const seed = /Key: <code>([A-Z2-7 ]+)<\/code>/.exec(pending)![1]!.replaceAll(' ', '');
  const confirmed = await browser.request(`${op.issuer}/account/factors/totp/confirm`, {
    form: { csrf_token: hidden.csrf_token!, code: await generate({ secret: seed }) },
  });
  assert.equal(confirmed.status, 200);
  assert.match(await confirmed.text(), /Save your recovery codes/);
  return seed;
}

test('acr_values=mfa with max_age=0: the code only, and an ID token whose acr, amr and auth_time say so', async () => {
  const browser = new HttpBrowser(op.issuer);
  const first = await authorization();
  const callback = await signInOverHttp({
    browser,
    authorizationUrl: first.url,
    username: 'alice',
    password: PASSWORD,
  });
  const pwd = (await client.authorizationCodeGrant(config, callback, first.checks)).claims()!;
  assert.equal(pwd.acr, 'urn:latchkey:acr:pwd');
  assert.deepEqual(pwd.amr, ['pwd']);

  const seed = await enrolApp(browser);
  const stepUp = await authorization({ acr_values: MFA, max_age: '0' });
  const page = await browser.follow(stepUp.url.href);
  const html = await page.text();
  assert.equal(page.status, 200);
  assert.doesNotMatch(html, /type="password"/, 'no password asked again');
  const form = readForm(html, op.issuer);
  assert.match(form.action, /\/login\/second-factor$/);
  // The next step's code: the enrolment spent this step's (F1), and ±1 step is accepted.
  const code = await generate({ secret: seed, epoch: Math.floor(Date.now() / 1000) + 30 });
  const started = Math.floor(Date.now() / 1000);
  const done = await browser.request(form.action, { form: { ...form.hidden, code } });
  assert.equal(done.status, 303);
  const back = new URL(done.headers.get('location')!);
  const tokens = await client.authorizationCodeGrant(config, back, { ...stepUp.checks, maxAge: 0 });
  const claims = tokens.claims()!;
  assert.equal(claims.acr, MFA);
  assert.deepEqual(claims.amr, ['pwd', 'otp', 'mfa']);
  assert.ok((claims.auth_time as number) >= started, 'auth_time is the code just given');
});
