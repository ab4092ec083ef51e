/**
 * Pushed authorization requests (RFC 9126) with `openid-client` (v6) against a provider started as
 * `latchkey serve` starts it: the client pushes its request with its credentials, the browser goes to
 * /authorize with only client_id and request_uri, signs in, and the code is exchanged. The request_uri
 * cannot be used a second time.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, createUser } from '@latchkey/provider';
import * as client from 'openid-client';
import { HttpBrowser } from '../helpers/http-browser.js';
import { signInOverHttp } from '../helpers/http-sign-in.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const PASSWORD = 'correct horse battery staple';

describe('PAR with openid-client', () => {
  let op: TestProvider;
  let secret: string;
  let userId: string;

  before(async () => {
    op = await startTestProvider();
    secret = (
      await createClient(op.provider.stores, {
        name: 'Example app',
        clientId: 'example-app',
        redirectUris: [REDIRECT_URI],
        scopes: ['openid', 'profile'],
      })
    ).secret!;
    userId = (await createUser(op.provider.stores, { username: 'alice', password: PASSWORD })).id;
  });
  after(async () => {
    await op?.close();
  });

  test('push, sign in through request_uri, exchange the code; the request_uri is single use', async () => {
    const config = await client.discovery(
      new URL(op.issuer),
      'example-app',
      { redirect_uris: [REDIRECT_URI] },
      client.ClientSecretBasic(secret),
      { execute: [client.allowInsecureRequests] },
    );
    assert.equal(config.serverMetadata().pushed_authorization_request_endpoint, `${op.issuer}/par`);
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    assert.deepEqual([...url.searchParams.keys()].sort(), ['client_id', 'request_uri']);

    const callback = await signInOverHttp({
      browser: new HttpBrowser(op.issuer),
      authorizationUrl: url,
      username: 'alice',
      password: PASSWORD,
    });
    const tokens = await client.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: verifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    assert.equal(tokens.claims()?.sub, userId);

    const again = await fetch(url, { redirect: 'manual' });
    assert.equal(again.status, 400);
    assert.match(await again.text(), /invalid_request_uri/);
  });
});
