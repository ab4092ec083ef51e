// Interoperability: node-oidc-provider (an independent OpenID Provider, started in-process with its
// in-memory adapter and its development sign-in pages) as the upstream of an OIDC connector.
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, test } from 'node:test';
import { createClient } from '@latchkey/provider';
import Provider from 'oidc-provider';
import { freePort } from '../../../../test/helpers/free-port.js';
import {
  authorizeParams,
  Browser,
  createHarness,
  type Harness,
  pkcePair,
  responseParams,
} from '../authorize/harness.js';
import { basicAuth } from '../helpers/basic-auth.js';

const RP = 'interop-app';
const REDIRECT_URI = 'https://rp.example.com/callback';
let harness: Harness;
let opServer: Server;
let issuer: string;
let rpSecret: string;

before(async () => {
  issuer = `http://127.0.0.1:${await freePort()}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'latchkey',
        client_secret: 'a-long-enough-client-secret-for-tests',
        redirect_uris: ['http://localhost:8080/connectors/op/callback'],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    pkce: { required: () => true },
    conformIdTokenClaims: false,
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name', 'preferred_username'] },
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => ({
        sub: id,
        email: `${id}@op.example`,
        email_verified: true,
        name: `${id} from the OP`,
        preferred_username: id,
      }),
    }),
  });
  opServer = createServer(provider.callback());
  await new Promise<void>((resolve) => opServer.listen(Number(new URL(issuer).port), '127.0.0.1', resolve));
  harness = await createHarness({
    connectors: [
      {
        id: 'op',
        type: 'oidc',
        displayName: 'node-oidc-provider',
        issuer,
        clientId: 'latchkey',
        clientSecret: 'a-long-enough-client-secret-for-tests',
        jit: 'create',
        allowedEmailDomains: ['op.example'],
      },
    ],
  } as never);
  // oidc-provider issues tokens on the real clock: the provider's frozen clock is set to it.
  harness.clock.set(Math.floor(Date.now() / 1000));
  rpSecret = (
    await createClient(harness.stores, {
      name: 'Interop App',
      clientId: RP,
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'profile', 'email'],
    })
  ).secret as string;
});

after(async () => {
  await harness?.close();
  opServer?.closeAllConnections();
  await new Promise((resolve) => opServer?.close(resolve));
});

/** Signs in at oidc-provider's development pages (any login, then "Continue"), keeping its cookies. */
async function signInUpstream(start: string, login: string): Promise<string> {
  const cookies = new Map<string, string>();
  let url = start;
  let init: RequestInit = {};
  for (let step = 0; step < 12; step++) {
    const response = await fetch(url, {
      ...init,
      redirect: 'manual',
      headers: {
        ...(init.headers as Record<string, string>),
        cookie: [...cookies].map(([n, v]) => `${n}=${v}`).join('; '),
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (pair !== undefined && eq > 0) cookies.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    const location = response.headers.get('location');
    if (location !== null) {
      const next = new URL(location, url).href;
      if (next.startsWith('http://localhost:8080/')) return next;
      url = next;
      init = {};
      continue;
    }
    const page = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    assert.ok(action, `a form at step ${step}: ${page.slice(0, 200)}`);
    const form: Record<string, string> = /name="login"/.test(page)
      ? { prompt: 'login', login, password: 'any' }
      : { prompt: 'consent' };
    url = new URL(action, url).href;
    init = {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    };
  }
  throw new Error('the upstream sign-in did not come back');
}

test('signs in through node-oidc-provider; the ID token Latchkey issues carries the mapped claims', async () => {
  const browser = new Browser(harness.app);
  const pkce = pkcePair();
  const page = await browser.authorize(
    authorizeParams({
      client_id: RP,
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      code_challenge: pkce.challenge,
    }),
  );
  const href = /href="(\/connectors\/op\/start\?[^"]+)"/.exec(page.body)?.[1];
  assert.ok(href);
  const start = await browser.get(href);
  assert.equal(start.statusCode, 303, start.body);
  const callback = new URL(await signInUpstream(String(start.headers.location), 'dana'));
  assert.equal(callback.pathname, '/connectors/op/callback');
  let response = await browser.get(`${callback.pathname}${callback.search}`);
  const consent = await browser.consentForm(response);
  if (consent !== undefined) response = await browser.submitConsent(consent, 'approve');
  const code = responseParams(String(response.headers.location)).get('code');
  assert.ok(code, `${response.statusCode} ${response.body.slice(0, 300)}`);
  const token = await harness.app.inject({
    method: 'POST',
    url: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(RP, rpSecret) },
    payload: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: pkce.verifier,
    }).toString(),
  });
  assert.equal(token.statusCode, 200, token.body);
  const claims = JSON.parse(
    Buffer.from((token.json() as { id_token: string }).id_token.split('.')[1] ?? '', 'base64url').toString(),
  );
  assert.equal(claims.name, 'dana from the OP');
  assert.equal(claims.preferred_username, 'dana');
  assert.equal(claims.email, 'dana@op.example');
  assert.equal(claims.email_verified, true);
  assert.ok(Array.isArray(claims.amr) && claims.amr.length > 0);
  const identity = await harness.stores.identities.find({ connectorId: 'op', issuer, subject: 'dana' });
  assert.equal(identity?.userId, claims.sub);
});
