/**
 * Logout end to end, with `openid-client` (v6) as the relying party against a provider started by
 * `startProvider`: sign in over HTTP (login and consent forms, as a browser posts them), then
 * RP-Initiated Logout through `buildEndSessionUrl` (id_token_hint, registered post_logout_redirect_uri,
 * state). A small HTTP server stands in for the RP's back-channel logout URI; the logout token it
 * receives is verified with @latchkey/oidc's relying-party checks (signature from discovery, typ
 * logout+jwt, events, no nonce) and names the ID token's sid. The refresh token then fails (R3).
 */
import assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { createOidcClient } from '@latchkey/oidc';
import { createClient, createUser, type RunningProvider } from '@latchkey/provider';
import * as client from 'openid-client';
import { HttpBrowser } from '../helpers/http-browser.js';
import { signInOverHttp } from '../helpers/http-sign-in.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const POST_LOGOUT_URI = 'http://127.0.0.1:9/signed-out';
const PASSWORD = 'correct horse battery staple';

/** The RP's back-channel endpoint: records each POSTed form and answers 200 (§2.8). */
function backChannelReceiver() {
  const received: URLSearchParams[] = [];
  let waiter: ((form: URLSearchParams) => void) | undefined;
  const server: Server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      assert.equal(request.method, 'POST');
      assert.equal(request.headers['content-type'], 'application/x-www-form-urlencoded');
      received.push(form);
      waiter?.(form);
      response.writeHead(200, { 'cache-control': 'no-store' }).end();
    });
  });
  return {
    received,
    server,
    /** The next form to arrive (or the first already received). */
    next: () =>
      received.length > 0
        ? Promise.resolve(received[0]!)
        : new Promise<URLSearchParams>((resolve) => {
            waiter = resolve;
          }),
  };
}

describe('logout with openid-client as the relying party', () => {
  let provider: RunningProvider;
  let issuer: string;
  let op: TestProvider;
  let secret: string;
  const receiver = backChannelReceiver();
  let backChannelUri: string;

  before(async () => {
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    backChannelUri = `http://127.0.0.1:${(receiver.server.address() as { port: number }).port}/backchannel`;
    op = await startTestProvider();
    issuer = op.issuer;
    provider = op.provider;
    secret = (
      await createClient(provider.stores, {
        name: 'Example app',
        clientId: 'example-app',
        redirectUris: [REDIRECT_URI],
        postLogoutRedirectUris: [POST_LOGOUT_URI],
        backchannelLogoutUri: backChannelUri,
        grantTypes: ['authorization_code', 'refresh_token'],
        scopes: ['openid', 'profile', 'offline_access'],
      })
    ).secret!;
    await createUser(provider.stores, { username: 'alice', password: PASSWORD });
  });
  after(async () => {
    await op?.close();
    await new Promise((resolve) => receiver.server.close(resolve));
  });

  test('RP-initiated logout returns to the registered URI with state, tells the RP through the back channel, and ends refresh (R3)', {
    timeout: 15_000,
  }, async () => {
    const config = await client.discovery(
      new URL(issuer),
      'example-app',
      { redirect_uris: [REDIRECT_URI], post_logout_redirect_uris: [POST_LOGOUT_URI] },
      client.ClientSecretBasic(secret),
      { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] },
    );
    const metadata = config.serverMetadata();
    assert.equal(metadata.end_session_endpoint, `${issuer}/logout`);
    assert.equal(metadata.backchannel_logout_supported, true);
    assert.equal(metadata.backchannel_logout_session_supported, true);

    // Sign in: /authorize → login form → consent form → callback.
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const browser = new HttpBrowser(issuer);
    const authorizationUrl = client.buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile offline_access',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
    });
    const callback = await signInOverHttp({
      browser,
      authorizationUrl,
      username: 'alice',
      password: PASSWORD,
    });
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    const sid = tokens.claims()!['sid'];
    assert.equal(typeof sid, 'string');
    assert.ok(tokens.refresh_token);

    // Logout, as openid-client builds it.
    const endSessionUrl = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: POST_LOGOUT_URI,
      state: 'after-logout',
    });
    assert.equal(endSessionUrl.searchParams.get('client_id'), 'example-app');
    const logout = await browser.request(endSessionUrl.href);
    assert.equal(logout.status, 303);
    assert.equal(logout.headers.get('location'), `${POST_LOGOUT_URI}?state=after-logout`);

    // The RP's back channel got a logout token for this session.
    const form = await receiver.next();
    const logoutToken = form.get('logout_token')!;
    const header = JSON.parse(Buffer.from(logoutToken.split('.')[0]!, 'base64url').toString('utf8'));
    assert.equal(header.typ, 'logout+jwt');
    const rp = createOidcClient({
      issuer,
      clientId: 'example-app',
      clientSecret: secret,
      redirectUri: REDIRECT_URI,
    });
    const claims = await rp.verifyLogoutToken(logoutToken);
    assert.equal(claims['sid'], sid);
    assert.equal(claims.sub, tokens.claims()!.sub);
    assert.equal(Object.hasOwn(claims, 'nonce'), false);
    // J21: the logout token is not an ID token, nor the reverse.
    await assert.rejects(rp.verifyLogoutToken(tokens.id_token!));

    // R3: the refresh token of the ended session is refused.
    await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token!), (error: unknown) => {
      assert.ok(error instanceof client.ResponseBodyError);
      assert.equal(error.error, 'invalid_grant');
      return true;
    });
    assert.equal(receiver.received.length, 1);
  });
});
