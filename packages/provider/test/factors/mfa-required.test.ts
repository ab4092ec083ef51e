import assert from 'node:assert/strict';
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { after, before, test } from 'node:test';
import { createClient, createUser } from '@latchkey/provider';
import type { LightMyRequestResponse } from 'fastify';
import { generate } from 'otplib';
import {
  authorizeParams,
  Browser,
  createHarness,
  type Harness,
  hiddenInput,
  PASSWORD,
  pkcePair,
  REDIRECT_URI,
  responseParams,
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

test('mfa required by the client: a user without a second factor is signed in and sent to set one up, carrying the request, with no code issued', async () => {
  const browser = new Browser(h.app);
  const login = await browser.loginForm(
    await browser.authorize(authorizeParams({ client_id: 'bank', scope: 'openid' })),
  );
  const answer = await browser.submitLogin(login!, 'alice', PASSWORD);
  assert.equal(answer.statusCode, 200);
  assert.match(answer.body, /Bank requires two-step verification/);
  assert.match(answer.body, /href="\/account\?interaction=[A-Za-z0-9_-]+"/);
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
    assert.match(answer.body, /requires two-step verification/);
  } finally {
    await strict.close();
  }
});

/** Up to the account page's enrolment of an app for `bank`: the page with the key, and the key. */
async function enrolmentFor(harness: Harness, browser: Browser, challenge: string) {
  const params = authorizeParams({ client_id: 'bank', scope: 'openid', code_challenge: challenge });
  const login = await browser.loginForm(await browser.authorize(params));
  const enrol = await browser.submitLogin(login!, 'alice', PASSWORD);
  const link = /href="(\/account\?interaction=[A-Za-z0-9_-]+)"/.exec(enrol.body)?.[1];
  assert.ok(link, enrol.body);
  const start = await browser.get(link);
  assert.match(start.body, /Set up an authenticator app/);
  const begun = await browser.post('/account/factors/totp/begin', {
    csrf_token: hiddenInput(start.body, 'csrf_token'),
    interaction: hiddenInput(start.body, 'interaction'),
  });
  assert.equal(begun.statusCode, 303);
  const page = await browser.get(String(begun.headers.location));
  const seed = /Key: <code>([A-Z2-7 ]+)<\/code>/.exec(page.body)![1]!.replaceAll(' ', '');
  const code = await generate({ secret: seed, epoch: harness.clock.now() });
  return { page, code };
}

function confirmApp(browser: Browser, page: LightMyRequestResponse, code: string, interaction: string) {
  return browser.post('/account/factors/totp/confirm', {
    csrf_token: hiddenInput(page.body, 'csrf_token'),
    interaction,
    code,
  });
}

const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Redeems the code of the public client `bank` in `location`; the ID token's claims. */
async function idTokenOf(harness: Harness, location: string, verifier: string) {
  const token = await harness.app.inject({
    method: 'POST',
    url: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      grant_type: 'authorization_code',
      code: responseParams(location).get('code') ?? '',
      redirect_uri: REDIRECT_URI,
      client_id: 'bank',
      code_verifier: verifier,
    }).toString(),
  });
  assert.equal(token.statusCode, 200, token.body);
  return claimsOf((token.json() as { id_token: string }).id_token);
}

test('a user without a second factor enrols an app after the password and goes on to the client with acr mfa', async () => {
  const fresh = await createHarness();
  try {
    await createClient(fresh.stores, {
      name: 'Bank',
      clientId: 'bank',
      public: true,
      redirectUris: [REDIRECT_URI],
      mfa: 'required',
    });
    const browser = new Browser(fresh.app);
    const { verifier, challenge } = pkcePair();
    const { page, code } = await enrolmentFor(fresh, browser, challenge);
    const confirmed = await confirmApp(browser, page, code, hiddenInput(page.body, 'interaction'));
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    assert.match(confirmed.body, /<li><code>[a-z2-7-]+<\/code><\/li>/, 'the recovery codes are shown');
    assert.match(confirmed.body, /continue to Bank/);
    const resumed = await browser.post('/login/enrolled', {
      csrf_token: hiddenInput(confirmed.body, 'csrf_token'),
      interaction: hiddenInput(confirmed.body, 'interaction'),
    });
    const consent = await browser.consentForm(resumed);
    assert.ok(consent, `consent is asked next: ${resumed.statusCode} ${resumed.headers.location}`);
    const done = await browser.submitConsent(consent, 'approve');
    const location = String(done.headers.location);
    assert.ok(location.startsWith(REDIRECT_URI), location);
    const id = await idTokenOf(fresh, location, verifier);
    assert.equal(id.acr, 'urn:latchkey:acr:mfa');
    assert.ok((id.amr as string[]).includes('otp'), String(id.amr));
  } finally {
    await fresh.close();
  }
});

test("an enrolment carrying another browser's request turns the app on but continues nothing", async () => {
  const fresh = await createHarness();
  try {
    await createClient(fresh.stores, {
      name: 'Bank',
      clientId: 'bank',
      public: true,
      redirectUris: [REDIRECT_URI],
      mfa: 'required',
    });
    const victim = new Browser(fresh.app);
    const params = authorizeParams({
      client_id: 'bank',
      scope: 'openid',
      code_challenge: pkcePair().challenge,
    });
    const other = await victim.submitLogin(
      (await victim.loginForm(await victim.authorize(params)))!,
      'alice',
      PASSWORD,
    );
    const foreign = /href="\/account\?interaction=([A-Za-z0-9_-]+)"/.exec(other.body)![1]!;
    const browser = new Browser(fresh.app);
    const { page, code } = await enrolmentFor(fresh, browser, pkcePair().challenge);
    const confirmed = await confirmApp(browser, page, code, foreign);
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    assert.doesNotMatch(confirmed.body, /continue to Bank|\/login\/enrolled/);
    assert.match(confirmed.body, /href="\/account">I have saved them/);
  } finally {
    await fresh.close();
  }
});

test('an enrolment by another session of the same browser (someone else signed in since) continues nothing', async () => {
  const fresh = await createHarness();
  try {
    await createClient(fresh.stores, {
      name: 'Bank',
      clientId: 'bank',
      public: true,
      redirectUris: [REDIRECT_URI],
      mfa: 'required',
    });
    await createUser(fresh.stores, { username: 'bob', password: PASSWORD });
    const browser = new Browser(fresh.app);
    const params = authorizeParams({
      client_id: 'bank',
      scope: 'openid',
      code_challenge: pkcePair().challenge,
    });
    const enrol = await browser.submitLogin(
      (await browser.loginForm(await browser.authorize(params)))!,
      'alice',
      PASSWORD,
    );
    const carried = /href="\/account\?interaction=([A-Za-z0-9_-]+)"/.exec(enrol.body)![1]!;
    // Bob signs in on the account page of the same browser and sets up his own app.
    const form = await browser.get('/account');
    const bob = await browser.post('/account/sign-in', {
      csrf_token: hiddenInput(form.body, 'csrf_token'),
      username: 'bob',
      password: PASSWORD,
    });
    assert.equal(bob.statusCode, 303);
    const start = await browser.get('/account');
    await browser.post('/account/factors/totp/begin', { csrf_token: hiddenInput(start.body, 'csrf_token') });
    const page = await browser.get('/account');
    const seed = /Key: <code>([A-Z2-7 ]+)<\/code>/.exec(page.body)![1]!.replaceAll(' ', '');
    const code = await generate({ secret: seed, epoch: fresh.clock.now() });
    const confirmed = await confirmApp(browser, page, code, carried);
    assert.equal(confirmed.statusCode, 200, confirmed.body);
    assert.doesNotMatch(confirmed.body, /continue to Bank|\/login\/enrolled/);
  } finally {
    await fresh.close();
  }
});

/** CBOR (RFC 8949) byte-string header for `n` bytes, for the small structures below. */
const cborBytes = (bytes: Buffer) =>
  Buffer.concat([
    bytes.length < 24
      ? Buffer.from([0x40 + bytes.length])
      : bytes.length < 256
        ? Buffer.from([0x58, bytes.length])
        : Buffer.from([0x59, bytes.length >> 8, bytes.length & 0xff]),
    bytes,
  ]);
const cborText = (text: string) => Buffer.concat([Buffer.from([0x60 + text.length]), Buffer.from(text)]);

/**
 * What an authenticator answers to a registration with attestation `none` (WebAuthn L3 §6.5): a fresh
 * P-256 key, user present and verified, device-bound.
 */
function registrationResponse(issuer: string, challenge: string) {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  // COSE_Key (RFC 9053): kty EC2, alg ES256, crv P-256, x, y.
  const cose = Buffer.concat([
    Buffer.from([0xa5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21]),
    cborBytes(Buffer.from(jwk.x!, 'base64url')),
    Buffer.from([0x22]),
    cborBytes(Buffer.from(jwk.y!, 'base64url')),
  ]);
  const credentialId = randomBytes(16);
  const authData = Buffer.concat([
    createHash('sha256').update(new URL(issuer).hostname).digest(),
    Buffer.from([0x45]), // UP | UV | AT
    Buffer.alloc(4),
    Buffer.alloc(16),
    Buffer.from([0, credentialId.length]),
    credentialId,
    cose,
  ]);
  const attestationObject = Buffer.concat([
    Buffer.from([0xa3]),
    cborText('fmt'),
    cborText('none'),
    cborText('attStmt'),
    Buffer.from([0xa0]),
    cborText('authData'),
    cborBytes(authData),
  ]);
  const clientData = {
    type: 'webauthn.create',
    challenge,
    origin: new URL(issuer).origin,
    crossOrigin: false,
  };
  return JSON.stringify({
    id: credentialId.toString('base64url'),
    rawId: credentialId.toString('base64url'),
    type: 'public-key',
    clientExtensionResults: {},
    response: {
      clientDataJSON: Buffer.from(JSON.stringify(clientData)).toString('base64url'),
      attestationObject: attestationObject.toString('base64url'),
      transports: ['internal'],
    },
  });
}

test('a user without a second factor registers a passkey after the password and goes on to the client with acr phr', async () => {
  const fresh = await createHarness();
  try {
    await createClient(fresh.stores, {
      name: 'Bank',
      clientId: 'bank',
      public: true,
      redirectUris: [REDIRECT_URI],
      mfa: 'required',
    });
    const browser = new Browser(fresh.app);
    const { verifier, challenge: pkce } = pkcePair();
    const params = authorizeParams({ client_id: 'bank', scope: 'openid', code_challenge: pkce });
    const enrol = await browser.submitLogin(
      (await browser.loginForm(await browser.authorize(params)))!,
      'alice',
      PASSWORD,
    );
    const link = /href="(\/account\?interaction=[A-Za-z0-9_-]+)"/.exec(enrol.body)![1]!;
    const page = await browser.get(link);
    const challenge = /&quot;challenge&quot;:&quot;([A-Za-z0-9_-]+)&quot;/.exec(page.body)?.[1];
    assert.ok(challenge, 'the page offers a passkey');
    const added = await browser.post('/account/passkeys/register', {
      csrf_token: hiddenInput(page.body, 'csrf_token'),
      interaction: hiddenInput(page.body, 'interaction'),
      state: hiddenInput(page.body, 'state'),
      name: 'Laptop',
      response: registrationResponse(fresh.config.issuer, challenge),
    });
    assert.equal(added.statusCode, 200, added.body);
    assert.match(added.body, /continue to Bank/);
    const resumed = await browser.post('/login/enrolled', {
      csrf_token: hiddenInput(added.body, 'csrf_token'),
      interaction: hiddenInput(added.body, 'interaction'),
    });
    const consent = await browser.consentForm(resumed);
    assert.ok(consent, `consent is asked next: ${resumed.statusCode} ${resumed.headers.location}`);
    const done = await browser.submitConsent(consent, 'approve');
    assert.ok(String(done.headers.location).startsWith(REDIRECT_URI), String(done.headers.location));
    const id = await idTokenOf(fresh, String(done.headers.location), verifier);
    assert.equal(id.acr, 'urn:latchkey:acr:phr');
    assert.ok((id.amr as string[]).includes('hwk'), String(id.amr));
  } finally {
    await fresh.close();
  }
});
