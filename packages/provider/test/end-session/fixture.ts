import { createClient, createUser, type ProviderConfigOverrides } from '@latchkey/provider';
import { authorizeParams, Browser, PASSWORD, pkcePair, responseParams } from '../authorize/harness.js';
import { testProviderApp } from '../helpers/fixtures.js';
import { type FakeFetch, fakeFetch } from '../logout/fake-fetch.js';
import { basicAuth } from '../refresh/fixture.js';

export const RP = 'rp';
export const OTHER_RP = 'other-rp';
/** Registered without a back-channel logout URI: never told. */
export const QUIET_RP = 'quiet-rp';
export const REDIRECT_URI = 'https://rp.example/callback';
export const POST_LOGOUT_URI = 'https://rp.example/signed-out?from=op';
export const BACKCHANNEL_URI = 'https://rp.example/backchannel-logout';
export const OTHER_BACKCHANNEL_URI = 'https://other.example/backchannel-logout';

/**
 * A provider app over SQLite with a frozen clock and a fake fetch for the back channel, three clients
 * (two with back-channel URIs) and alice. `signIn` goes through /authorize, /login and /consent in a
 * Browser and redeems the code at /token.
 */
export async function endSessionFixture(overrides: ProviderConfigOverrides = {}) {
  const fetch: FakeFetch = fakeFetch();
  const delays: number[] = [];
  const { app, clock, config, stores, keyManager, settings } = await testProviderApp({
    overrides,
    deps: {
      fetch: fetch.fetch,
      backChannel: {
        delay: async (ms) => {
          delays.push(ms);
        },
      },
    },
  });
  const client = async (clientId: string, backchannelLogoutUri?: string) =>
    (
      await createClient(stores, {
        name: clientId === RP ? 'Relying <Party> & Co' : clientId,
        clientId,
        redirectUris: [REDIRECT_URI],
        postLogoutRedirectUris: [POST_LOGOUT_URI],
        grantTypes: ['authorization_code', 'refresh_token'],
        scopes: ['openid', 'profile', 'offline_access'],
        ...(backchannelLogoutUri === undefined ? {} : { backchannelLogoutUri }),
      })
    ).secret!;
  const secrets: Record<string, string> = {
    [RP]: await client(RP, BACKCHANNEL_URI),
    [OTHER_RP]: await client(OTHER_RP, OTHER_BACKCHANNEL_URI),
    [QUIET_RP]: await client(QUIET_RP),
  };
  const user = await createUser(stores, { username: 'alice', password: PASSWORD, name: 'Alice Example' });

  /** Signs `browser` in for `clientId` (login only the first time) and redeems the code: the token response. */
  async function signIn(browser: Browser, clientId = RP) {
    const token = await signInLate(browser, 0, clientId);
    if (token.statusCode !== 200) throw new Error(`code exchange failed: ${token.body}`);
    return token.json() as { access_token: string; id_token: string; refresh_token: string };
  }

  /** As signIn, but the code is redeemed `delay` seconds after it was issued: the raw token response. */
  async function signInLate(browser: Browser, delay: number, clientId = RP) {
    const pkce = pkcePair();
    const response = await browser.signIn(
      authorizeParams({
        client_id: clientId,
        redirect_uri: REDIRECT_URI,
        scope: 'openid profile offline_access',
        code_challenge: pkce.challenge,
      }),
    );
    const code = responseParams(String(response.headers.location)).get('code');
    if (code === null) throw new Error(`no code: ${response.statusCode} ${response.headers.location}`);
    clock.advance(delay);
    return app.inject({
      method: 'POST',
      url: '/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(clientId, secrets[clientId]!),
      },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: pkce.verifier,
      }).toString(),
    });
  }

  const refresh = (clientId: string, refreshToken: string) =>
    app.inject({
      method: 'POST',
      url: '/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(clientId, secrets[clientId]!),
      },
      payload: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }).toString(),
    });

  return {
    app,
    clock,
    config,
    stores,
    keyManager,
    settings,
    user,
    fetch,
    delays,
    signIn,
    signInLate,
    refresh,
    browser: () => new Browser(app),
    async close() {
      await app.close();
      await keyManager.stop();
    },
  };
}

export type EndSessionFixture = Awaited<ReturnType<typeof endSessionFixture>>;

/** The claims of a compact JWT, unverified (the tests verify signatures where it matters). */
export function decodeJwt(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
} {
  const [header, claims] = token.split('.');
  return {
    header: JSON.parse(Buffer.from(header!, 'base64url').toString('utf8')),
    claims: JSON.parse(Buffer.from(claims!, 'base64url').toString('utf8')),
  };
}
