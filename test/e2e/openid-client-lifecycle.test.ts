/**
 * The token lifecycle with `openid-client` (v6) as the client against a provider started by
 * `startProvider`: the code exchange returns a refresh token, which openid-client refreshes (and a
 * reuse of the old one is refused); introspection and revocation with client_secret_basic; and
 * client_credentials with an RFC 8707 resource. The sign-in itself (login and consent pages) is
 * covered by openid-client.test.ts; here the code is recorded as the authorization endpoint records it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, createUser, type RunningProvider } from '@latchkey/provider';
import * as client from 'openid-client';
import {
  recordAuthorizationCode,
  recordSession,
} from '../../packages/provider/test/helpers/authorization.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const API = 'https://api.example.com';

describe('token lifecycle with openid-client', () => {
  let provider: RunningProvider;
  let issuer: string;
  let op: TestProvider;
  let appSecret: string;
  let serviceSecret: string;
  let userId: string;

  before(async () => {
    op = await startTestProvider();
    issuer = op.issuer;
    provider = op.provider;
    appSecret = (
      await createClient(provider.stores, {
        name: 'Example app',
        clientId: 'example-app',
        redirectUris: [REDIRECT_URI],
        grantTypes: ['authorization_code', 'refresh_token'],
        scopes: ['openid', 'profile', 'offline_access'],
      })
    ).secret!;
    serviceSecret = (
      await createClient(provider.stores, {
        name: 'Billing',
        clientId: 'billing',
        grantTypes: ['client_credentials'],
        scopes: ['invoices:read'],
        allowedResources: [API],
      })
    ).secret!;
    userId = (
      await createUser(provider.stores, { username: 'alice', password: 'correct horse battery staple' })
    ).id;
  });
  after(async () => {
    await op?.close();
  });

  const discover = (clientId: string, secret: string) =>
    client.discovery(
      new URL(issuer),
      clientId,
      { redirect_uris: [REDIRECT_URI] },
      client.ClientSecretBasic(secret),
      {
        execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks],
      },
    );

  /** A session, a grant and a code, as the authorization endpoint records them; the callback URL. */
  async function authorizationResponse(verifier: string, nonce: string, state: string): Promise<URL> {
    const now = Math.floor(Date.now() / 1000);
    const { stores } = provider;
    const sid = await recordSession(stores.sessions, { userId, authTime: now, now });
    const { code } = await recordAuthorizationCode(stores, {
      clientId: 'example-app',
      userId,
      redirectUri: REDIRECT_URI,
      scopes: ['openid', 'profile', 'offline_access'],
      nonce,
      codeChallenge: await client.calculatePKCECodeChallenge(verifier),
      sid,
      authTime: now,
      createdAt: now,
    });
    const callback = new URL(REDIRECT_URI);
    callback.search = new URLSearchParams({ code, state, iss: issuer }).toString();
    return callback;
  }

  test('refresh with rotation, reuse refused, introspection and revocation of the family', async () => {
    const config = await discover('example-app', appSecret);
    const metadata = config.serverMetadata();
    assert.equal(metadata.introspection_endpoint, `${issuer}/introspect`);
    assert.equal(metadata.revocation_endpoint, `${issuer}/revoke`);

    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const first = await client.authorizationCodeGrant(
      config,
      await authorizationResponse(verifier, nonce, state),
      {
        pkceCodeVerifier: verifier,
        expectedNonce: nonce,
        expectedState: state,
        idTokenExpected: true,
      },
    );
    assert.equal(typeof first.refresh_token, 'string');
    const authTime = first.claims()!.auth_time;

    const refreshed = await client.refreshTokenGrant(config, first.refresh_token!);
    assert.notEqual(refreshed.refresh_token, first.refresh_token);
    assert.equal(refreshed.claims()?.sub, userId);
    assert.equal(refreshed.claims()?.auth_time, authTime);

    const introspected = await client.tokenIntrospection(config, refreshed.access_token);
    assert.equal(introspected.active, true);
    assert.equal(introspected.sub, userId);
    assert.equal(introspected.client_id, 'example-app');
    assert.equal(
      (
        await client.tokenIntrospection(config, refreshed.refresh_token!, {
          token_type_hint: 'refresh_token',
        })
      ).active,
      true,
    );

    // R1: the rotated token again → invalid_grant, and the whole family is gone.
    await assert.rejects(
      client.refreshTokenGrant(config, first.refresh_token!),
      (error: client.ResponseBodyError) => {
        assert.equal(error.error, 'invalid_grant');
        return true;
      },
    );
    assert.equal((await client.tokenIntrospection(config, refreshed.refresh_token!)).active, false);
    assert.equal((await client.tokenIntrospection(config, refreshed.access_token)).active, false);
  });

  test('revoking a refresh token ends its family', async () => {
    const config = await discover('example-app', appSecret);
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const tokens = await client.authorizationCodeGrant(
      config,
      await authorizationResponse(verifier, nonce, state),
      {
        pkceCodeVerifier: verifier,
        expectedNonce: nonce,
        expectedState: state,
      },
    );
    await client.tokenRevocation(config, tokens.refresh_token!, { token_type_hint: 'refresh_token' });
    await assert.rejects(client.refreshTokenGrant(config, tokens.refresh_token!), { error: 'invalid_grant' });
    assert.equal((await client.tokenIntrospection(config, tokens.access_token)).active, false);
    // RFC 7009 §2.2: an unknown token is still a 200.
    await client.tokenRevocation(config, 'no-such-token');
  });

  test('client_credentials with an RFC 8707 resource', async () => {
    const config = await discover('billing', serviceSecret);
    const tokens = await client.clientCredentialsGrant(config, { resource: API, scope: 'invoices:read' });
    assert.equal(tokens.scope, 'invoices:read');
    assert.equal(tokens.refresh_token, undefined);
    const info = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(info.active, true);
    assert.equal(info.sub, 'billing');
    assert.equal(info.aud, API);
    await assert.rejects(client.clientCredentialsGrant(config, { resource: 'https://elsewhere.example' }), {
      error: 'invalid_target',
    });
  });
});
