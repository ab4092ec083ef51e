/**
 * The whole sign-in, end to end, with `openid-client` (v6) as the relying party against a provider
 * started by `startProvider` on a fresh SQLite data dir: discovery, PKCE, the authorization URL, the
 * login and consent forms over plain HTTP (as a browser would post them), the code exchange with ID
 * token signature validation switched on explicitly, and UserInfo.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, createUser, type RunningProvider } from '@latchkey/provider';
import * as client from 'openid-client';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

/** Just enough of a browser: cookies for the provider's origin, manual redirects, form posts. */
class Browser {
  readonly #cookies = new Map<string, string>();
  constructor(readonly origin: string) {}

  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.#cookies.size > 0) {
      headers.cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      // What a browser sends on a same-origin form post (S4's Origin / Fetch Metadata check).
      headers.origin = this.origin;
      headers['sec-fetch-site'] = 'same-origin';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return response;
  }

  /** GETs `url`, following redirects while they stay at the provider; returns the last response. */
  async follow(url: string): Promise<Response> {
    let response = await this.request(url);
    for (let hops = 0; hops < 5 && isRedirect(response); hops++) {
      const next = new URL(response.headers.get('location')!, url).href;
      if (!next.startsWith(this.origin)) return response;
      response = await this.request(next);
    }
    return response;
  }
}

function isRedirect(response: Response): boolean {
  return response.status >= 300 && response.status < 400;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
};
const decodeEntities = (value: string) =>
  value.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (e) => ENTITIES[e]!);

/** The form of a page: its action and hidden fields (the interaction id and the CSRF token). */
function readForm(page: string, base: string): { action: string; hidden: Record<string, string> } {
  const action = /<form[^>]*\saction="([^"]*)"/.exec(page)?.[1];
  assert.ok(action !== undefined, `no form on the page:\n${page.slice(0, 500)}`);
  const hidden: Record<string, string> = {};
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    hidden[match[1]!] = decodeEntities(match[2]!);
  }
  return { action: new URL(decodeEntities(action), base).href, hidden };
}

describe('sign-in with openid-client as the relying party', () => {
  let provider: RunningProvider;
  let issuer: string;
  let op: TestProvider;
  let secret: string;
  let userId: string;

  before(async () => {
    op = await startTestProvider();
    issuer = op.issuer;
    provider = op.provider;
    const created = await createClient(provider.stores, {
      name: 'Example app',
      clientId: 'example-app',
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'profile', 'email'],
    });
    secret = created.secret!;
    const user = await createUser(provider.stores, {
      username: 'alice',
      password: 'correct horse battery staple',
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Liddell',
    });
    userId = user.id;
  });
  after(async () => {
    await op?.close();
  });

  test('discovery, PKCE, login and consent, code exchange with a verified ID token signature, and UserInfo', async () => {
    const config = await client.discovery(
      new URL(issuer),
      'example-app',
      { redirect_uris: [REDIRECT_URI] },
      client.ClientSecretBasic(secret),
      { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
    );
    assert.equal(config.serverMetadata().issuer, issuer);

    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
    });

    const browser = new Browser(issuer);
    const loginPage = await browser.follow(authorizationUrl.href);
    assert.equal(loginPage.status, 200);
    const login = readForm(await loginPage.text(), loginPage.url || issuer);
    const afterLogin = await browser.request(login.action, {
      form: { ...login.hidden, username: 'alice', password: 'correct horse battery staple' },
    });
    assert.equal(afterLogin.status, 303);
    const consentPage = await browser.follow(new URL(afterLogin.headers.get('location')!, issuer).href);
    assert.equal(consentPage.status, 200);
    const consent = readForm(await consentPage.text(), issuer);
    const approved = await browser.request(consent.action, {
      form: { ...consent.hidden, decision: 'approve' },
    });
    assert.equal(approved.status, 303);
    const callback = new URL(approved.headers.get('location')!);
    assert.equal(`${callback.origin}${callback.pathname}`, REDIRECT_URI);
    assert.equal(callback.searchParams.get('iss'), issuer);

    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    assert.equal(tokens.token_type.toLowerCase(), 'bearer');
    const claims = tokens.claims()!;
    assert.equal(claims.iss, issuer);
    assert.equal(claims.sub, userId);
    assert.equal(claims.aud, 'example-app');
    assert.equal(claims.nonce, nonce);
    assert.equal(typeof claims.auth_time, 'number');

    const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
    assert.equal(userinfo.sub, userId);
    assert.equal(userinfo.email, 'alice@example.com');
    assert.equal(userinfo.name, 'Alice Liddell');
  });
});
