/**
 * Issue 18: the account page lists agent clients (dynamically registered, RFC 7591, and Client ID
 * Metadata Document clients, whose consent is never remembered) with their last use, and disconnecting
 * one revokes every grant it holds, so its refresh token stops working.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createUser } from '@latchkey/provider';
import { Browser, hiddenInput, PASSWORD, pkcePair, responseParams } from '../authorize/harness.js';
import { testProviderApp } from '../helpers/fixtures.js';

const ORIGIN = { origin: 'http://localhost:8080' };
/** The "Connected applications" section only (the security events name disconnected clients too). */
const applicationsOf = (body: string) =>
  body.slice(body.indexOf('id="apps-title"'), body.indexOf('id="events-title"'));
const AGENT_REDIRECT = 'http://127.0.0.1:33418/callback';
const CIMD_CLIENT = 'https://agent.example.net/oauth/client.json';

let f: Awaited<ReturnType<typeof testProviderApp>>;
let userId: string;
before(async () => {
  f = await testProviderApp({
    overrides: {
      registration: { mode: 'open', rateLimit: 100, scopes: ['openid', 'offline_access', 'mcp:tools'] },
    },
  });
  userId = (await createUser(f.stores, { username: 'alice', password: PASSWORD })).id;
});
after(() => f.close());

const tokenRequest = (fields: Record<string, string>) =>
  f.app.inject({
    method: 'POST',
    url: '/token',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams(fields).toString(),
  });

/** An agent registers itself (RFC 7591, public client) and the person signs in and consents for it. */
async function dynamicAgent(browser: Browser) {
  const registered = await f.app.inject({
    method: 'POST',
    url: '/register',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify({
      client_name: 'Research Agent',
      redirect_uris: [AGENT_REDIRECT],
      token_endpoint_auth_method: 'none',
      grant_types: ['authorization_code', 'refresh_token'],
      scope: 'openid offline_access mcp:tools',
    }),
  });
  assert.equal(registered.statusCode, 201, registered.body);
  const clientId = registered.json().client_id as string;
  const pkce = pkcePair();
  const answer = await browser.signIn(
    new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: AGENT_REDIRECT,
      scope: 'openid offline_access mcp:tools',
      state: 'agent-state',
      nonce: 'agent-nonce',
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
    }),
  );
  const code = responseParams(String(answer.headers.location)).get('code');
  assert.ok(code, `no code: ${answer.statusCode} ${answer.headers.location}`);
  const tokens = await tokenRequest({
    grant_type: 'authorization_code',
    client_id: clientId,
    code,
    redirect_uri: AGENT_REDIRECT,
    code_verifier: pkce.verifier,
  });
  assert.equal(tokens.statusCode, 200, tokens.body);
  return { clientId, refreshToken: tokens.json().refresh_token as string };
}

describe('agents on the account page (issue 18)', () => {
  test('a dynamically registered agent is listed as an agent with its last use, which a refresh moves forward; disconnecting it stops its refresh token', async () => {
    const browser = new Browser(f.app);
    const agent = await dynamicAgent(browser);
    f.clock.advance(3600);
    const rotated = await tokenRequest({
      grant_type: 'refresh_token',
      client_id: agent.clientId,
      refresh_token: agent.refreshToken,
    });
    assert.equal(rotated.statusCode, 200, rotated.body);
    const lastUse = new Date(f.clock.now() * 1000).toISOString().slice(0, 16).replace('T', ' ');

    const page = await browser.get('/account');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<strong>Research Agent<\/strong> <span class="tag">agent<\/span>/);
    assert.ok(page.body.includes(`last used <time datetime=`), 'no last use shown');
    assert.ok(page.body.includes(`${lastUse} UTC</time>`), 'the last use is not the refresh');

    const disconnected = await browser.post(
      '/account/applications/disconnect',
      { csrf_token: hiddenInput(page.body, 'csrf_token'), client_id: agent.clientId },
      ORIGIN,
    );
    assert.equal(disconnected.headers.location, '/account?done=application-disconnected');
    const refused = await tokenRequest({
      grant_type: 'refresh_token',
      client_id: agent.clientId,
      refresh_token: rotated.json().refresh_token as string,
    });
    assert.equal(refused.json().error, 'invalid_grant');
    assert.doesNotMatch(applicationsOf((await browser.get('/account')).body), /Research Agent/);
  });

  test('a metadata-document client, whose consent is not remembered, is listed by its host from its live grant, and disconnecting revokes that grant', async () => {
    const browser = new Browser(f.app);
    await dynamicAgent(browser); // signs the browser in
    // What the token endpoint leaves for a metadata-document client: a grant and its refresh tokens, no consent.
    const created = f.clock.now();
    await f.stores.grants.create({
      id: 'g-cimd',
      clientId: CIMD_CLIENT,
      userId,
      scopes: ['mcp:tools'],
      resources: ['https://mcp.example.com/mcp'],
      sid: null,
      createdAt: created,
      revokedAt: null,
    });
    await f.stores.refreshTokens.create({
      tokenHash: 'cimd-refresh-hash',
      grantId: 'g-cimd',
      clientId: CIMD_CLIENT,
      userId,
      scopes: ['mcp:tools'],
      createdAt: created + 7200,
      idleExpiresAt: created + 86_400,
      absoluteExpiresAt: created + 30 * 86_400,
      rotatedAt: null,
    });
    const page = await browser.get('/account');
    assert.match(page.body, /<strong>agent\.example\.net<\/strong> <span class="tag">agent<\/span>/);
    assert.ok(page.body.includes(`<code>${CIMD_CLIENT}</code>`));
    const lastUse = new Date((created + 7200) * 1000).toISOString().slice(0, 16).replace('T', ' ');
    assert.ok(
      page.body.includes(
        `last used <time datetime="${new Date((created + 7200) * 1000).toISOString()}">${lastUse} UTC</time>`,
      ),
    );

    const disconnected = await browser.post(
      '/account/applications/disconnect',
      { csrf_token: hiddenInput(page.body, 'csrf_token'), client_id: CIMD_CLIENT },
      ORIGIN,
    );
    assert.equal(disconnected.headers.location, '/account?done=application-disconnected');
    assert.notEqual((await f.stores.grants.get('g-cimd'))?.revokedAt, null);
    assert.doesNotMatch(applicationsOf((await browser.get('/account')).body), /agent\.example\.net/);
  });
});
