/**
 * DPoP (RFC 9449) with `openid-client` (v6, a client we did not write) against a provider started as
 * `latchkey serve` starts it: the token endpoint binds access tokens (`cnf.jkt`, `token_type: DPoP`)
 * and a public client's refresh tokens; UserInfo takes a bound token only with its proof;
 * introspection shows `cnf`; revocation ends a bound grant; server nonces are asked for and honoured.
 * Checklist D1 at the provider: bound tokens without proof, with another key's proof, replayed proofs.
 * Our own relying-party client (`createOidcClient({ dpop })`) runs the same exchange.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createDpopProof,
  createOidcClient,
  type DpopKeyPair,
  generateKeyPair,
  jwkThumbprint,
} from '@latchkey/oidc';
import { createClient, createUser, type RunningProvider } from '@latchkey/provider';
import * as client from 'openid-client';
import {
  recordAuthorizationCode,
  recordSession,
} from '../../packages/provider/test/helpers/authorization.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';

const REDIRECT_URI = 'http://127.0.0.1:9/callback';
const API = 'https://api.example.com';
const SCOPES = ['openid', 'profile', 'offline_access'];

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

async function thumbprintOf(keyPair: client.CryptoKeyPair): Promise<string> {
  const jwk = await crypto.subtle.exportKey('jwk', keyPair.publicKey);
  return jwkThumbprint({ kty: jwk.kty!, crv: jwk.crv, x: jwk.x, y: jwk.y });
}

/** A session, a grant and a code of the public client `native`, as /authorize records them; the callback URL. */
async function recordedCallback(
  provider: RunningProvider,
  issuer: string,
  userId: string,
  { verifier, nonce, state }: { verifier: string; nonce: string; state: string },
): Promise<URL> {
  const now = Math.floor(Date.now() / 1000);
  const sid = await recordSession(provider.stores.sessions, { userId, authTime: now, now });
  const { code } = await recordAuthorizationCode(provider.stores, {
    clientId: 'native',
    userId,
    redirectUri: REDIRECT_URI,
    scopes: SCOPES,
    nonce,
    codeChallenge: await client.calculatePKCECodeChallenge(verifier),
    sid,
    authTime: now,
    createdAt: now,
  });
  const url = new URL(REDIRECT_URI);
  url.search = new URLSearchParams({ code, state, iss: issuer }).toString();
  return url;
}

describe('DPoP with openid-client against the provider', () => {
  let op: TestProvider;
  let provider: RunningProvider;
  let issuer: string;
  let serviceSecret: string;
  let userId: string;

  before(async () => {
    op = await startTestProvider();
    provider = op.provider;
    issuer = op.issuer;
    await createClient(provider.stores, {
      name: 'Native app',
      clientId: 'native',
      public: true,
      redirectUris: [REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: SCOPES,
    });
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

  const options = { execute: [client.allowInsecureRequests] };
  const publicClient = () =>
    client.discovery(new URL(issuer), 'native', { redirect_uris: [REDIRECT_URI] }, client.None(), options);
  const service = () =>
    client.discovery(new URL(issuer), 'billing', {}, client.ClientSecretBasic(serviceSecret), options);

  const callback = (verifier: string, nonce: string, state: string) =>
    recordedCallback(provider, issuer, userId, { verifier, nonce, state });

  async function signIn(config: client.Configuration, dpop?: client.DPoPHandle) {
    const verifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    return client.authorizationCodeGrant(
      config,
      await callback(verifier, nonce, state),
      { pkceCodeVerifier: verifier, expectedNonce: nonce, expectedState: state, idTokenExpected: true },
      undefined,
      dpop === undefined ? undefined : { DPoP: dpop },
    );
  }

  test('discovery lists the DPoP proof algorithms', async () => {
    const metadata = (await publicClient()).serverMetadata();
    assert.deepEqual(metadata.dpop_signing_alg_values_supported, [
      'ES256',
      'ES384',
      'PS256',
      'RS256',
      'EdDSA',
    ]);
  });

  test('client_credentials with a proof gives a DPoP token bound to the key; introspection shows cnf', async () => {
    const config = await service();
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const tokens = await client.clientCredentialsGrant(
      config,
      { resource: API },
      { DPoP: client.getDPoPHandle(config, keyPair) },
    );
    assert.equal(tokens.token_type, 'dpop');
    const jkt = await thumbprintOf(keyPair);
    assert.deepEqual(claimsOf(tokens.access_token).cnf, { jkt });
    const introspected = await client.tokenIntrospection(config, tokens.access_token);
    assert.equal(introspected.active, true);
    assert.deepEqual(introspected.cnf, { jkt });
    assert.equal(introspected.token_type, 'DPoP');
  });

  test('a public client signs in with DPoP, uses UserInfo with proofs and refreshes with the same key', async () => {
    const config = await publicClient();
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const DPoP = client.getDPoPHandle(config, keyPair);
    const tokens = await signIn(config, DPoP);
    assert.equal(tokens.token_type, 'dpop');
    assert.deepEqual(claimsOf(tokens.access_token).cnf, { jkt: await thumbprintOf(keyPair) });

    const info = await client.fetchUserInfo(config, tokens.access_token, userId, { DPoP });
    assert.equal(info.sub, userId);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    assert.equal(refreshed.token_type, 'dpop');
    assert.equal(typeof refreshed.refresh_token, 'string');
  });

  test('D1: a bound access token used as a Bearer token at UserInfo is refused', async () => {
    const config = await publicClient();
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const tokens = await signIn(config, DPoP);
    const response = await fetch(`${issuer}/userinfo`, {
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });

  test('D1: a bound access token at UserInfo with a proof by another key, or a replayed proof, is refused', async () => {
    const config = await publicClient();
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const tokens = await signIn(config, DPoP);
    const other: DpopKeyPair = await generateKeyPair('ES256');
    const url = `${issuer}/userinfo`;
    const byOther = createDpopProof(other, { htm: 'GET', htu: url, accessToken: tokens.access_token });
    const wrongKey = await fetch(url, {
      headers: { authorization: `DPoP ${tokens.access_token}`, dpop: byOther },
    });
    assert.equal(wrongKey.status, 401);
    assert.match(wrongKey.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_dpop_proof"/);
    const withoutProof = await fetch(url, { headers: { authorization: `DPoP ${tokens.access_token}` } });
    assert.equal(withoutProof.status, 401);
    assert.match(withoutProof.headers.get('www-authenticate') ?? '', /error="invalid_dpop_proof"/);
  });

  test('D1: a public client refresh token is refused without a proof, or with a proof by another key', async () => {
    const config = await publicClient();
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const tokens = await signIn(config, DPoP);
    await assert.rejects(
      client.refreshTokenGrant(config, tokens.refresh_token!),
      (error: client.ResponseBodyError) => {
        assert.equal(error.error, 'invalid_dpop_proof');
        return true;
      },
    );
    const thief = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    await assert.rejects(
      client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: thief }),
      (error: client.ResponseBodyError) => error.error === 'invalid_dpop_proof',
    );
    // Neither attempt spent the token: its holder still refreshes.
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP });
    assert.equal(refreshed.token_type, 'dpop');
  });

  test('D1: a proof replayed at the token endpoint, or made for another URL, is refused', async () => {
    const keys = await generateKeyPair('ES256');
    const basic = `Basic ${Buffer.from(`billing:${serviceSecret}`).toString('base64')}`;
    const post = (dpop: string) =>
      fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', dpop },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource: API }).toString(),
      });
    const proof = createDpopProof(keys, { htm: 'POST', htu: `${issuer}/token` });
    assert.equal((await post(proof)).status, 200);
    const replay = await post(proof);
    assert.equal(replay.status, 400);
    assert.equal(((await replay.json()) as { error: string }).error, 'invalid_dpop_proof');
    // The database replay cache decides: of parallel uses of one fresh proof, exactly one gets a token.
    const fresh = createDpopProof(keys, { htm: 'POST', htu: `${issuer}/token` });
    const parallel = await Promise.all(Array.from({ length: 10 }, () => post(fresh)));
    assert.equal(parallel.filter((r) => r.status === 200).length, 1);
    const elsewhere = await post(createDpopProof(keys, { htm: 'POST', htu: `${issuer}/introspect` }));
    assert.equal(((await elsewhere.json()) as { error: string }).error, 'invalid_dpop_proof');
  });

  test('a client registered with dpop_bound_access_tokens gets no token without a proof', async () => {
    const { client: registered, secret } = await createClient(provider.stores, {
      name: 'Always DPoP',
      clientId: 'always-dpop',
      grantTypes: ['client_credentials'],
      scopes: ['invoices:read'],
      allowedResources: [API],
    });
    await provider.stores.clients.delete('always-dpop');
    await provider.stores.clients.create({ ...registered, dpopBoundAccessTokens: true });
    const config = await client.discovery(
      new URL(issuer),
      'always-dpop',
      {},
      client.ClientSecretBasic(secret!),
      options,
    );
    await assert.rejects(
      client.clientCredentialsGrant(config, { resource: API }),
      (error: client.ResponseBodyError) => error.error === 'invalid_request',
    );
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    assert.equal(
      (await client.clientCredentialsGrant(config, { resource: API }, { DPoP })).token_type,
      'dpop',
    );
  });

  test('revoking a bound refresh token ends its grant', async () => {
    const config = await publicClient();
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const tokens = await signIn(config, DPoP);
    await client.tokenRevocation(config, tokens.refresh_token!);
    await assert.rejects(
      client.fetchUserInfo(config, tokens.access_token, userId, { DPoP }),
      (error: client.WWWAuthenticateChallengeError) => {
        assert.equal(error.status, 401);
        assert.equal(error.cause[0]?.parameters.error, 'invalid_token');
        // RFC 9449 §7.1: a request made with the DPoP scheme is answered with a DPoP challenge.
        assert.equal(error.cause[0]?.scheme, 'dpop');
        return true;
      },
    );
  });

  test('our own relying-party client gets and uses a DPoP-bound token', async () => {
    const keys = await generateKeyPair('ES256');
    const rp = createOidcClient({
      issuer,
      clientId: 'native',
      redirectUri: REDIRECT_URI,
      scopes: SCOPES,
      dpop: keys,
    });
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = await callback(codeVerifier, nonce, state);
    const tokens = await rp.handleCallback(url.searchParams, { state, nonce, codeVerifier });
    assert.equal(tokens.tokenType, 'DPoP');
    assert.deepEqual(claimsOf(tokens.accessToken).cnf, { jkt: jwkThumbprint(keys.publicKey) });
    const userinfo = `${issuer}/userinfo`;
    const response = await fetch(userinfo, {
      headers: {
        authorization: `DPoP ${tokens.accessToken}`,
        dpop: rp.dpopProver!.proof('GET', userinfo, tokens.accessToken),
      },
    });
    assert.equal(response.status, 200);
  });
});

describe('DPoP server nonces with openid-client', () => {
  let op: TestProvider;
  let secret: string;
  let userId: string;
  before(async () => {
    op = await startTestProvider({ env: { LATCHKEY_TOKENS_DPOP_REQUIRE_NONCE: 'true' } });
    await createClient(op.provider.stores, {
      name: 'Native app',
      clientId: 'native',
      public: true,
      redirectUris: [REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: SCOPES,
    });
    userId = (
      await createUser(op.provider.stores, { username: 'bob', password: 'correct horse battery staple' })
    ).id;
    secret = (
      await createClient(op.provider.stores, {
        name: 'Billing',
        clientId: 'billing',
        grantTypes: ['client_credentials'],
        scopes: ['invoices:read'],
        allowedResources: [API],
      })
    ).secret!;
  });
  after(async () => {
    await op?.close();
  });

  test('a proof without a nonce gets use_dpop_nonce and a DPoP-Nonce; openid-client retries with it', async () => {
    const first = await fetch(`${op.issuer}/token`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`billing:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        dpop: createDpopProof(await generateKeyPair('ES256'), { htm: 'POST', htu: `${op.issuer}/token` }),
      },
      body: new URLSearchParams({ grant_type: 'client_credentials', resource: API }).toString(),
    });
    assert.equal(first.status, 400);
    assert.equal(((await first.json()) as { error: string }).error, 'use_dpop_nonce');
    assert.match(first.headers.get('dpop-nonce') ?? '', /^[a-z0-9]+\.[A-Za-z0-9_-]+$/);

    const config = await client.discovery(
      new URL(op.issuer),
      'billing',
      {},
      client.ClientSecretBasic(secret),
      {
        execute: [client.allowInsecureRequests],
      },
    );
    const DPoP = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    const tokens = await client.clientCredentialsGrant(config, { resource: API }, { DPoP });
    assert.equal(tokens.token_type, 'dpop');
  });

  test('our relying-party client retries with the nonce it was given, and its next proofs carry it', async () => {
    const keys = await generateKeyPair('ES256');
    const rp = createOidcClient({
      issuer: op.issuer,
      clientId: 'native',
      redirectUri: REDIRECT_URI,
      scopes: SCOPES,
      dpop: keys,
    });
    const codeVerifier = client.randomPKCECodeVerifier();
    const nonce = client.randomNonce();
    const state = client.randomState();
    const url = await recordedCallback(op.provider, op.issuer, userId, {
      verifier: codeVerifier,
      nonce,
      state,
    });
    const tokens = await rp.handleCallback(url.searchParams, { state, nonce, codeVerifier });
    assert.equal(tokens.tokenType, 'DPoP');
    const userinfo = `${op.issuer}/userinfo`;
    const response = await fetch(userinfo, {
      headers: {
        authorization: `DPoP ${tokens.accessToken}`,
        dpop: rp.dpopProver!.proof('GET', userinfo, tokens.accessToken),
      },
    });
    assert.equal(response.status, 200, await response.clone().text());
  });
});
