import {
  type CreateClientInput,
  createClient,
  createUser,
  type ProviderConfigOverrides,
} from '@latchkey/provider';
import type { AuthorizationCodeRecord } from '../../src/store/types.js';
import { recordAuthorizationCode } from '../helpers/authorization.js';
import { basicAuth } from '../helpers/basic-auth.js';
import { testProviderApp } from '../helpers/fixtures.js';

export const REDIRECT_URI = 'https://rp.example/callback';
export const ALL_SCOPES = ['openid', 'profile', 'email', 'address', 'phone'];

export { basicAuth };

/**
 * A provider app on a fresh SQLite database with a frozen clock, a user, a confidential client
 * (client_secret_basic), a client_secret_post client and a public client. Codes are issued straight
 * into the stores, exactly as the authorization endpoint records them, so the token endpoint and
 * UserInfo are tested on their own. Call `close` in the file's `after` hook.
 */
export async function signInFixture(overrides: ProviderConfigOverrides = {}) {
  const { app, clock, config, stores, keyManager, close } = await testProviderApp({ overrides });

  const user = await createUser(
    stores,
    {
      username: 'alice',
      email: 'alice@example.com',
      emailVerified: true,
      name: 'Alice Liddell',
      profile: {
        given_name: 'Alice',
        family_name: 'Liddell',
        locale: 'en-GB',
        phone_number: '+44 20 7946 0000',
        phone_number_verified: false,
        address: { locality: 'Oxford', country: 'GB' },
      },
    },
    { now: clock.now },
  );
  const make = (clientId: string, extra: Partial<CreateClientInput>) =>
    createClient(
      stores,
      { name: clientId, clientId, redirectUris: [REDIRECT_URI], scopes: ALL_SCOPES, ...extra },
      { now: clock.now },
    );
  const basicClient = await make('web', {});
  const postClient = await make('post', { tokenEndpointAuthMethod: 'client_secret_post' });
  await make('spa', { public: true });
  const secrets = { web: basicClient.secret!, post: postClient.secret! };

  /** Records a grant and a code for `web` as the authorization endpoint does; `fields` on top. */
  function issueCode(fields: Partial<AuthorizationCodeRecord> = {}) {
    const now = clock.now();
    return recordAuthorizationCode(stores, {
      clientId: 'web',
      userId: user.id,
      redirectUri: REDIRECT_URI,
      scopes: ['openid'],
      nonce: 'n-0S6_WzA2Mj',
      sid: 'sid-1',
      authTime: now - 5,
      createdAt: now,
      ...fields,
    });
  }

  function token(form: Record<string, string>, headers: Record<string, string> = {}) {
    return app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(form).toString(),
    });
  }

  /** Issues a code for `web` and redeems it; returns the token response body. */
  async function signIn(fields: Partial<AuthorizationCodeRecord> = {}) {
    const issued = await issueCode(fields);
    const response = await token(
      {
        grant_type: 'authorization_code',
        code: issued.code,
        redirect_uri: REDIRECT_URI,
        code_verifier: issued.verifier,
      },
      { authorization: basicAuth('web', secrets.web) },
    );
    if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.body}`);
    const body = response.json() as {
      access_token: string;
      id_token: string;
      token_type: string;
      scope: string;
      expires_in: number;
    };
    return { ...issued, body };
  }

  function userinfo(accessToken: string, method: 'GET' | 'POST' = 'GET') {
    return app.inject({ method, url: '/userinfo', headers: { authorization: `Bearer ${accessToken}` } });
  }

  return { close, app, clock, config, stores, keyManager, user, secrets, issueCode, token, signIn, userinfo };
}

export type SignInFixture = Awaited<ReturnType<typeof signInFixture>>;
