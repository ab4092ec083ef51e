import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { signJwt } from '@latchkey/oidc';
import type { LightMyRequestResponse } from 'fastify';
import { hashOpaqueToken } from '../../src/tokens/index.js';
import {
  API_RESOURCE,
  authorizeParams,
  Browser,
  CLIENT_ID,
  createHarness,
  type Harness,
  hiddenInput,
  isLoginForm,
  OTHER_REDIRECT_URI,
  PASSWORD,
  pkcePair,
  REDIRECT_URI,
  responseParams,
} from './harness.js';

let h: Harness;
before(async () => {
  h = await createHarness();
});
after(() => h.close());

/** A browser that has signed in and consented to `openid profile` once. */
async function signedInBrowser(): Promise<Browser> {
  const browser = new Browser(h.app);
  const response = await browser.signIn(authorizeParams());
  assert.equal(response.statusCode, 303);
  assert.ok(responseParams(String(response.headers.location)).get('code'));
  return browser;
}

function redirectedTo(response: LightMyRequestResponse): { url: URL; params: URLSearchParams } {
  assert.equal(response.statusCode, 303, response.body);
  const location = String(response.headers.location);
  return { url: new URL(location), params: responseParams(location) };
}

function assertClientError(
  response: LightMyRequestResponse,
  error: string,
  state: string | null = 'state-123',
) {
  const { url, params } = redirectedTo(response);
  assert.equal(`${url.origin}${url.pathname}`, REDIRECT_URI);
  assert.equal(params.get('error'), error, params.get('error_description') ?? '');
  assert.equal(params.get('state'), state);
  assert.equal(params.get('iss'), h.config.issuer);
  assert.equal(params.get('code'), null);
}

function assertLocalErrorPage(response: LightMyRequestResponse) {
  assert.equal(response.statusCode, 400);
  assert.equal(response.headers.location, undefined);
  assert.match(String(response.headers['content-type']), /^text\/html/);
  assert.match(response.body, /For your safety you were not sent back/);
}

/** The stored record of a code from a redirect (consuming it: a test reads each code once). */
async function codeRecord(response: LightMyRequestResponse) {
  const code = responseParams(String(response.headers.location)).get('code');
  assert.ok(code);
  const result = await h.stores.authorizationCodes.consume(hashOpaqueToken(code), h.clock.now());
  assert.equal(result.status, 'consumed');
  return result.status === 'consumed' ? result.code : assert.fail('not consumed');
}

describe('the happy path', () => {
  test('A6 (groundwork): the PKCE challenge is stored with the code, a 256-bit code kept as its SHA-256 with the grant, redirect URI and scopes', async () => {
    const browser = new Browser(h.app);
    const { challenge } = pkcePair();
    const response = await browser.signIn(
      authorizeParams({ code_challenge: challenge, scope: 'openid profile email unknown' }),
    );
    const { params } = redirectedTo(response);
    assert.equal(Buffer.from(params.get('code')!, 'base64url').length, 32);
    assert.equal(params.get('state'), 'state-123');
    const record = await codeRecord(response);
    assert.equal(record.codeChallenge, challenge);
    assert.equal(record.clientId, CLIENT_ID);
    assert.equal(record.redirectUri, REDIRECT_URI);
    assert.deepEqual(record.scopes, ['openid', 'profile', 'email']);
    assert.equal(record.userId, h.userId);
    assert.deepEqual(record.amr, ['pwd']);
    assert.equal(record.expiresAt - record.createdAt, 60);
    const grant = await h.stores.grants.get(record.grantId);
    assert.equal(grant?.sid, record.sid);
    assert.deepEqual(grant?.scopes, record.scopes);
  });

  test('RFC 8707: the resources asked for are kept with the code and its grant, none by default', async () => {
    const browser = await signedInBrowser();
    const params = authorizeParams();
    params.append('resource', API_RESOURCE);
    params.append('resource', 'https://reports.example.com');
    const record = await codeRecord(await browser.authorize(params));
    assert.deepEqual(record.resources, [API_RESOURCE, 'https://reports.example.com']);
    assert.deepEqual((await h.stores.grants.get(record.grantId))?.resources, record.resources);
    const without = await codeRecord(await browser.authorize(authorizeParams()));
    assert.deepEqual(without.resources, []);
    // Through the login and consent pages, the request travels sealed: the resources with it.
    const signingIn = await codeRecord(await new Browser(h.app).signIn(params));
    assert.deepEqual(signingIn.resources, [API_RESOURCE, 'https://reports.example.com']);
  });

  test('a request without openid is a plain OAuth authorization: the same login and consent pages, then a code for the scopes asked', async () => {
    const browser = new Browser(h.app);
    // Scopes nobody in this file granted yet, so consent is asked.
    const first = await browser.authorize(authorizeParams({ scope: 'address phone', nonce: undefined }));
    const login = await browser.loginForm(first);
    assert.ok(login, 'the login page is shown');
    const consent = await browser.consentForm(await browser.submitLogin(login, 'alice', PASSWORD));
    assert.ok(consent, 'the consent page is shown');
    assert.match(consent.body, /postal address/);
    const record = await codeRecord(await browser.submitConsent(consent, 'approve'));
    assert.deepEqual(record.scopes, ['address', 'phone']);
  });

  test('RFC 8707: resource=<issuer>/userinfo is accepted for every client, without registering it', async () => {
    const browser = await signedInBrowser();
    const params = authorizeParams();
    params.append('resource', `${h.config.issuer}/userinfo`);
    const record = await codeRecord(await browser.authorize(params));
    assert.deepEqual(record.resources, [`${h.config.issuer}/userinfo`]);
  });

  test('J23: the nonce is carried into the code unchanged, and its absence is fine for the code flow', async () => {
    const browser = await signedInBrowser();
    const withNonce = await browser.authorize(authorizeParams({ nonce: 'n-0S6_WzA2Mj' }));
    assert.equal((await codeRecord(withNonce)).nonce, 'n-0S6_WzA2Mj');
    const without = await browser.authorize(authorizeParams({ nonce: undefined }));
    assert.equal((await codeRecord(without)).nonce, null);
  });

  test('oidcc-ensure-post-request-succeeds: a POSTed authorization request works like a GET', async () => {
    const browser = await signedInBrowser();
    const response = await browser.post('/authorize', Object.fromEntries(authorizeParams()));
    assert.ok(redirectedTo(response).params.get('code'));
  });

  test('A10: oidcc-ensure-request-with-unknown-parameter-succeeds: unknown parameters, even repeated, are ignored', async () => {
    const browser = await signedInBrowser();
    const params = authorizeParams();
    params.append('extra', '1');
    params.append('extra', '2');
    assert.ok(redirectedTo(await browser.authorize(params)).params.get('code'));
  });

  test('A10: a repeated parameter is invalid_request', async () => {
    const browser = await signedInBrowser();
    const params = authorizeParams();
    params.append('scope', 'openid');
    assertClientError(await browser.authorize(params), 'invalid_request');
  });

  for (const display of ['page', 'popup']) {
    test(`oidcc-display-${display}: display=${display} shows the login page`, async () => {
      const response = await new Browser(h.app).authorize(authorizeParams({ display }));
      assert.ok(isLoginForm(response), `status ${response.statusCode}`);
    });
  }

  test('oidcc-ui-locales and oidcc-claims-locales: locales are accepted', async () => {
    const browser = await signedInBrowser();
    const response = await browser.authorize(
      authorizeParams({ ui_locales: 'fr-CA fr en', claims_locales: 'de en' }),
    );
    assert.ok(redirectedTo(response).params.get('code'));
  });

  test('oidcc-ensure-request-with-acr-values-succeeds', async () => {
    const browser = await signedInBrowser();
    const response = await browser.authorize(authorizeParams({ acr_values: 'urn:mace:incommon:iap:silver' }));
    assert.ok(redirectedTo(response).params.get('code'));
  });

  test('oidcc-login-hint: the login page prefills the username from login_hint, escaped', async () => {
    const browser = new Browser(h.app);
    const page = await browser.authorize(authorizeParams({ login_hint: 'alice"><b>' }));
    assert.ok(isLoginForm(page), `status ${page.statusCode}`);
    assert.match(page.body, /name="username"[^>]*value="alice&quot;&gt;&lt;b&gt;"/);
    assert.doesNotMatch(page.body, /<b>/);
  });

  test('oidcc-claims-essential: the claims parameter is kept in the code for the token endpoint', async () => {
    const browser = await signedInBrowser();
    const claims = JSON.stringify({ id_token: { email: { essential: true } } });
    const record = await codeRecord(await browser.authorize(authorizeParams({ claims })));
    assert.deepEqual(JSON.parse(record.claimsRequest!), { id_token: { email: { essential: true } } });
  });
});

describe('errors before the redirect URI is trusted (A3, A4)', () => {
  for (const [name, overrides] of [
    [
      'A3: ensure-registered-redirect-uri: an unregistered redirect_uri',
      { redirect_uri: 'https://evil.example.com/cb' },
    ],
    ['A3: a redirect_uri that differs by a trailing slash', { redirect_uri: `${REDIRECT_URI}/` }],
    ['A3: no redirect_uri while two are registered', { redirect_uri: undefined }],
    ['A4: an unknown client_id', { client_id: 'nobody' }],
    ['A4: no client_id', { client_id: undefined }],
    [
      'A4: an unregistered redirect_uri with a bad scope and prompt=none',
      { redirect_uri: 'https://evil.example.com/cb', scope: 'x', prompt: 'none' },
    ],
  ] as const) {
    test(`${name} gets a local error page, never a redirect`, async () => {
      assertLocalErrorPage(await new Browser(h.app).authorize(authorizeParams(overrides)));
    });
  }

  test('A4: a POST authorization request that is not a form gets the error page', async () => {
    const response = await h.app.inject({
      method: 'POST',
      url: '/authorize',
      payload: JSON.stringify(Object.fromEntries(authorizeParams())),
      headers: { 'content-type': 'application/json' },
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.headers.location, undefined);
  });

  test('A4: the error page escapes what it shows', async () => {
    const response = await new Browser(h.app).authorize(
      authorizeParams({ client_id: '<script>alert(1)</script>' }),
    );
    assert.doesNotMatch(response.body, /<script>/);
  });
});

describe('errors sent back to the client, with state and iss (A8)', () => {
  const cases = [
    ['oidcc-response-type-missing: no response_type', { response_type: undefined }, 'invalid_request'],
    ['response_type=token', { response_type: 'token' }, 'unsupported_response_type'],
    ['response_type=code id_token', { response_type: 'code id_token' }, 'unsupported_response_type'],
    ['no scope the client may be granted (and no openid)', { scope: 'no-such-scope' }, 'invalid_scope'],
    ['A5: no code_challenge', { code_challenge: undefined }, 'invalid_request'],
    ['A5: code_challenge_method=plain', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['prompt=none with login', { prompt: 'none login' }, 'invalid_request'],
    ['a bad max_age', { max_age: '-1' }, 'invalid_request'],
    ['a malformed claims parameter', { claims: '{' }, 'invalid_request'],
    [
      'oidcc-unsigned-request-object-supported-correctly-or-rejected-as-unsupported',
      { request: 'eyJhbGciOiJub25lIn0.e30.' },
      'request_not_supported',
    ],
    [
      'oidcc-request-uri-unsigned-supported-correctly-or-rejected-as-unsupported',
      { request_uri: 'https://app.example.com/r' },
      'request_uri_not_supported',
    ],
    [
      'an id_token_hint that is not ours',
      { id_token_hint: 'eyJhbGciOiJSUzI1NiJ9.e30.c2ln' },
      'invalid_request',
    ],
    ['an unknown response_mode', { response_mode: 'web_message' }, 'invalid_request'],
    [
      'RFC 8707: a resource the client may not address',
      { resource: 'https://evil.example' },
      'invalid_target',
    ],
  ] as const;
  for (const [name, overrides, error] of cases) {
    test(`${name} → ${error}`, async () => {
      assertClientError(await new Browser(h.app).authorize(authorizeParams(overrides)), error);
    });
  }

  test('an error about state itself goes back without state', async () => {
    const response = await new Browser(h.app).authorize(authorizeParams({ state: 's'.repeat(3000) }));
    assertClientError(response, 'invalid_request', null);
  });

  test('A8: the fragment response mode carries iss and state in the fragment', async () => {
    const browser = await signedInBrowser();
    const response = await browser.authorize(authorizeParams({ response_mode: 'fragment' }));
    const { url, params } = redirectedTo(response);
    assert.equal(url.search, '');
    assert.ok(params.get('code'));
    assert.equal(params.get('iss'), h.config.issuer);
    assert.equal(params.get('state'), 'state-123');
  });

  test('A8: form_post answers an auto-submitting form with code, state and iss, allowed by a script hash', async () => {
    const browser = await signedInBrowser();
    const response = await browser.authorize(authorizeParams({ response_mode: 'form_post' }));
    assert.equal(response.statusCode, 200);
    assert.match(response.body, new RegExp(`<form method="post" action="${REDIRECT_URI}">`));
    assert.ok(hiddenInput(response.body, 'code'));
    assert.equal(hiddenInput(response.body, 'iss'), h.config.issuer);
    assert.equal(hiddenInput(response.body, 'state'), 'state-123');
    const csp = String(response.headers['content-security-policy']);
    assert.match(csp, /script-src 'sha256-[A-Za-z0-9+/=]+'/);
    assert.match(csp, /form-action 'self' https:\/\/app\.example\.com/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(response.headers['cache-control'], 'no-store');
  });

  test('A8: discovery advertises authorization_response_iss_parameter_supported and the authorization-side values', async () => {
    const doc = (await h.app.inject({ url: '/.well-known/openid-configuration' })).json();
    assert.equal(doc.authorization_endpoint, `${h.config.issuer}/authorize`);
    assert.equal(doc.authorization_response_iss_parameter_supported, true);
    assert.deepEqual(doc.code_challenge_methods_supported, ['S256']);
    assert.deepEqual(doc.response_modes_supported, ['query', 'fragment', 'form_post']);
    assert.deepEqual(doc.prompt_values_supported, ['none', 'login', 'consent', 'select_account']);
    assert.equal(doc.request_parameter_supported, false);
    assert.equal(doc.request_uri_parameter_supported, false);
    assert.equal(doc.claims_parameter_supported, true);
  });

  test('the registered redirect URI is used exactly, the second one too', async () => {
    const browser = await signedInBrowser();
    const { url } = redirectedTo(
      await browser.authorize(authorizeParams({ redirect_uri: OTHER_REDIRECT_URI })),
    );
    assert.equal(`${url.origin}${url.pathname}`, OTHER_REDIRECT_URI);
  });
});

describe('prompt, max_age and id_token_hint (OIDC Core §3.1.2.1)', () => {
  test('oidcc-prompt-none-not-logged-in: prompt=none without a session → login_required', async () => {
    assertClientError(
      await new Browser(h.app).authorize(authorizeParams({ prompt: 'none' })),
      'login_required',
    );
  });

  test('oidcc-prompt-none-logged-in: prompt=none with a session and consent → a code without any page', async () => {
    const browser = await signedInBrowser();
    assert.ok(redirectedTo(await browser.authorize(authorizeParams({ prompt: 'none' }))).params.get('code'));
  });

  test('prompt=none with a session but no consent for a new scope → consent_required', async () => {
    const browser = await signedInBrowser();
    assertClientError(
      await browser.authorize(authorizeParams({ prompt: 'none', scope: 'openid offline_access' })),
      'consent_required',
    );
  });

  test('oidcc-prompt-login: prompt=login asks for the password again and gives a later auth_time', async () => {
    const browser = await signedInBrowser();
    const before = await codeRecord(await browser.authorize(authorizeParams()));
    h.clock.advance(5);
    const page = await browser.authorize(authorizeParams({ prompt: 'login' }));
    assert.ok(isLoginForm(page), `status ${page.statusCode}`);
    const done = await browser.submitLogin(page, 'alice', 'correct horse battery staple');
    const after = await codeRecord(done);
    assert.equal(after.authTime, before.authTime + 5);
    assert.notEqual(after.sid, before.sid);
  });

  test('oidcc-max-age-1: max_age=1 two seconds after sign-in forces a new sign-in', async () => {
    const browser = await signedInBrowser();
    h.clock.advance(2);
    const response = await browser.authorize(authorizeParams({ max_age: '1' }));
    assert.ok(isLoginForm(response), `status ${response.statusCode}`);
  });

  test('max_age=1 within the second does not ask again; max_age=0 always does', async () => {
    const browser = await signedInBrowser();
    assert.ok(redirectedTo(await browser.authorize(authorizeParams({ max_age: '1' }))).params.get('code'));
    assert.ok(isLoginForm(await browser.authorize(authorizeParams({ max_age: '0' }))));
  });

  test('oidcc-max-age-10000: a recent sign-in satisfies max_age=10000', async () => {
    const browser = await signedInBrowser();
    h.clock.advance(60);
    assert.ok(
      redirectedTo(await browser.authorize(authorizeParams({ max_age: '10000' }))).params.get('code'),
    );
  });

  test('max_age with prompt=none after it ran out → login_required', async () => {
    const browser = await signedInBrowser();
    h.clock.advance(10);
    assertClientError(
      await browser.authorize(authorizeParams({ max_age: '5', prompt: 'none' })),
      'login_required',
    );
  });

  test('oidcc-id-token-hint: prompt=none with an id_token_hint (even expired) of the signed-in user → a code', async () => {
    const browser = await signedInBrowser();
    const hint = await idToken(h.userId, -3600);
    assert.ok(
      redirectedTo(
        await browser.authorize(authorizeParams({ prompt: 'none', id_token_hint: hint })),
      ).params.get('code'),
    );
  });

  test('prompt=none with an id_token_hint naming someone else → login_required', async () => {
    const browser = await signedInBrowser();
    const hint = await idToken('someone-else', 600);
    assertClientError(
      await browser.authorize(authorizeParams({ prompt: 'none', id_token_hint: hint })),
      'login_required',
    );
  });

  test('J21: an access token (typ at+jwt) is not accepted as id_token_hint', async () => {
    const hint = await idToken(h.userId, 600, 'at+jwt');
    assertClientError(
      await new Browser(h.app).authorize(authorizeParams({ id_token_hint: hint })),
      'invalid_request',
    );
  });
});

/** An ID token signed with the provider's own current RS256 key. */
function idToken(sub: string, expiresIn: number, typ = 'JWT'): Promise<string> {
  const now = h.clock.now();
  return Promise.resolve(
    signJwt(
      { iss: h.config.issuer, sub, aud: CLIENT_ID, iat: now, exp: now + expiresIn },
      h.keyManager.signingKey('RS256'),
      { typ },
    ),
  );
}
