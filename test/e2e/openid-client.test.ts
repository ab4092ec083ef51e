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
import { HttpBrowser } from '../helpers/http-browser.js';
import { signInOverHttp } from '../helpers/http-sign-in.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';

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

    const callback = await signInOverHttp({
      browser: new HttpBrowser(issuer),
      authorizationUrl,
      username: 'alice',
      password: 'correct horse battery staple',
    });
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
