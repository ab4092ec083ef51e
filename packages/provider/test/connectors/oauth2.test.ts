import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { createClient } from '@latchkey/provider';
import {
  authorizeParams,
  Browser,
  createHarness,
  type Harness,
  pkcePair,
  responseParams,
} from '../authorize/harness.js';
import { basicAuth } from '../helpers/basic-auth.js';
import { FakeGithub } from './fake-github.js';

const RP = 'gh-app';
const REDIRECT_URI = 'https://rp.example.com/callback';
let harness: Harness;
let github: FakeGithub;
let rpSecret: string;

before(async () => {
  github = await new FakeGithub('gh-client', 'gh-secret').start();
  harness = await createHarness({
    connectors: [
      {
        id: 'github',
        type: 'oauth2',
        preset: 'github',
        displayName: 'GitHub',
        jit: 'create',
        clientId: github.clientId,
        clientSecret: github.clientSecret,
        // The preset's endpoints, moved to the test's server.
        authorizationUrl: `${github.url}/login/oauth/authorize`,
        tokenUrl: `${github.url}/login/oauth/access_token`,
        userUrl: `${github.url}/user`,
        emailsUrl: `${github.url}/user/emails`,
      },
    ],
  } as never);
  rpSecret = (
    await createClient(harness.stores, {
      name: 'GitHub App',
      clientId: RP,
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'profile', 'email'],
    })
  ).secret as string;
});

after(async () => {
  await harness?.close();
  await github?.close();
});

async function signIn(browser = new Browser(harness.app)) {
  const pkce = pkcePair();
  const page = await browser.authorize(
    authorizeParams({
      client_id: RP,
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile email',
      code_challenge: pkce.challenge,
    }),
  );
  const href = /href="(\/connectors\/github\/start\?[^"]+)"/.exec(page.body)?.[1];
  assert.ok(href, 'a GitHub button');
  const start = await browser.get(href);
  const upstream = new URL(String(start.headers.location));
  assert.equal(upstream.searchParams.get('code_challenge_method'), 'S256');
  assert.equal(upstream.searchParams.get('scope'), 'read:user user:email');
  const answer = await fetch(upstream, { redirect: 'manual' });
  const back = new URL(String(answer.headers.get('location')));
  let response = await browser.get(`${back.pathname}${back.search}`);
  const consent = await browser.consentForm(response);
  if (consent !== undefined) response = await browser.submitConsent(consent, 'approve');
  const code = responseParams(String(response.headers.location)).get('code');
  assert.ok(code, `a code: ${response.statusCode} ${response.body.slice(0, 300)}`);
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
  const idToken = (token.json() as { id_token: string }).id_token;
  return JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString()) as Record<
    string,
    unknown
  >;
}

test('signs in through a GitHub-shaped OAuth 2.0 upstream: the id is the subject, the preset maps login and name', async () => {
  github.user = {
    id: 1001,
    login: 'octo',
    name: 'Octo Cat',
    emails: [{ email: 'octo@users.example', verified: true, primary: true }],
  };
  const claims = await signIn();
  assert.equal(claims['preferred_username'], 'octo');
  assert.equal(claims['name'], 'Octo Cat');
  assert.deepEqual(claims['amr'], ['fed']);
  const identity = await harness.stores.identities.find({
    connectorId: 'github',
    issuer: 'https://github.com',
    subject: '1001',
  });
  assert.equal(identity?.userId, claims['sub']);
  assert.equal(identity?.email, 'octo@users.example');
});

test('X2: a renamed GitHub account (new login and address) stays the same Latchkey user', async () => {
  github.user = {
    id: 2002,
    login: 'before',
    emails: [{ email: 'before@users.example', verified: true, primary: true }],
  };
  const first = await signIn();
  github.user = {
    id: 2002,
    login: 'after',
    emails: [{ email: 'after@users.example', verified: true, primary: true }],
  };
  const second = await signIn();
  assert.equal(second['sub'], first['sub']);
});

test('X2: an unverified GitHub address equal to an existing user’s does not sign in as that user, nor is it kept', async () => {
  github.user = {
    id: 3003,
    login: 'mallory',
    emails: [{ email: 'alice@example.com', verified: false, primary: true }],
  };
  const claims = await signIn();
  assert.notEqual(claims['sub'], harness.userId);
  const identity = await harness.stores.identities.find({
    connectorId: 'github',
    issuer: 'https://github.com',
    subject: '3003',
  });
  assert.equal(identity?.email, null);
});

test('X1: a GitHub callback with a state that is not this browser’s is refused', async () => {
  const browser = new Browser(harness.app);
  const page = await browser.authorize(authorizeParams({ client_id: RP, redirect_uri: REDIRECT_URI }));
  const href = /href="(\/connectors\/github\/start\?[^"]+)"/.exec(page.body)?.[1] ?? '';
  const start = await browser.get(href);
  const answer = await fetch(String(start.headers.location), { redirect: 'manual' });
  const back = new URL(String(answer.headers.get('location')));
  back.searchParams.set('state', 'forged-state');
  const response = await browser.get(`${back.pathname}${back.search}`);
  assert.equal(response.statusCode, 400);
  assert.equal(browser.cookies.has('latchkey-session'), false);
});

test('a user API answer over the size bound is the upstream failing (503), never a sign-in', async () => {
  github.huge = true;
  try {
    const browser = new Browser(harness.app);
    const page = await browser.authorize(authorizeParams({ client_id: RP, redirect_uri: REDIRECT_URI }));
    const href = /href="(\/connectors\/github\/start\?[^"]+)"/.exec(page.body)?.[1] ?? '';
    const start = await browser.get(href);
    const answer = await fetch(String(start.headers.location), { redirect: 'manual' });
    const back = new URL(String(answer.headers.get('location')));
    const response = await browser.get(`${back.pathname}${back.search}`);
    assert.equal(response.statusCode, 503);
    assert.equal(browser.cookies.has('latchkey-session'), false);
  } finally {
    github.huge = false;
  }
});
