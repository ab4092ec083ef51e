import { join } from 'node:path';
import {
  type CreateClientInput,
  createClient,
  createUser,
  type OpenedProviderStores,
  openProviderStores,
  type ProviderConfigOverrides,
} from '@latchkey/provider';
import type { AuthorizationCodeRecord } from '../../src/store/types.js';
import { recordAuthorizationCode, recordSession } from '../helpers/authorization.js';
import { basicAuth } from '../helpers/basic-auth.js';
import { type TestProviderAppOptions, tempDir, testProviderApp } from '../helpers/fixtures.js';

export const REDIRECT_URI = 'https://rp.example/callback';
export const API = 'https://api.example.com';
export const OTHER_API = 'https://reports.example.com';

export { basicAuth };

export interface LifecycleFixtureOptions {
  /** A database URL (PostgreSQL for the race test); default a fresh SQLite file. */
  readonly url?: string;
  readonly overrides?: ProviderConfigOverrides;
  /** Added to the app's dependencies (metrics, …). */
  readonly deps?: TestProviderAppOptions['deps'];
}

/**
 * A provider app with a frozen clock and the clients the token lifecycle needs:
 * - `web`: confidential, authorization_code + refresh_token;
 * - `other`: the same, another client (R2);
 * - `spa`: public, authorization_code + refresh_token;
 * - `svc`: client_credentials with the `reports:read` and `reports:write` scopes and two resources;
 * - `one`: client_credentials with one allowed resource.
 * `signIn` records a session, a grant and a code as the authorization endpoint does, and redeems the
 * code at /token. Call `close` when the test file ends.
 */
export async function lifecycleFixture(options: LifecycleFixtureOptions = {}) {
  const opened: OpenedProviderStores = await openProviderStores(
    options.url ?? `sqlite:${join(tempDir(), 'latchkey.db')}`,
    { poolSize: 4 },
  );
  await opened.migrate();
  const {
    app,
    clock,
    config,
    stores,
    keyManager,
    close: stop,
  } = await testProviderApp({
    ...(options.overrides === undefined ? {} : { overrides: options.overrides }),
    ...(options.deps === undefined ? {} : { deps: options.deps }),
    stores: opened,
  });
  const close = async () => {
    await stop();
    await stores.close();
  };

  const user = await createUser(
    stores,
    { username: 'alice', email: 'alice@example.com', name: 'Alice', password: 'correct horse battery' },
    { now: clock.now },
  );
  const make = async (clientId: string, extra: Partial<CreateClientInput>) =>
    (await createClient(stores, { name: clientId, clientId, ...extra }, { now: clock.now })).secret;
  const signInClient: Partial<CreateClientInput> = {
    redirectUris: [REDIRECT_URI],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'profile', 'email', 'offline_access'],
  };
  const secrets = {
    web: (await make('web', signInClient))!,
    other: (await make('other', signInClient))!,
    svc: (await make('svc', {
      grantTypes: ['client_credentials'],
      scopes: ['openid', 'reports:read', 'reports:write'],
      allowedResources: [API, OTHER_API],
    }))!,
    one: (await make('one', { grantTypes: ['client_credentials'], scopes: [], allowedResources: [API] }))!,
  };
  await make('spa', { ...signInClient, public: true });

  const post = (
    url: string,
    form: Record<string, string | string[]>,
    headers: Record<string, string> = {},
  ) => {
    const body = new URLSearchParams();
    for (const [name, value] of Object.entries(form)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    }
    return app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: body.toString(),
    });
  };
  const auth = (clientId: keyof typeof secrets) => ({
    authorization: basicAuth(clientId, secrets[clientId]),
  });
  const token = (form: Record<string, string | string[]>, headers: Record<string, string> = {}) =>
    post('/token', form, headers);

  /**
   * A session, a grant and a code for `clientId`, recorded as the authorization endpoint does: the
   * grant's id, the session's sid, and the form that redeems the code at /token.
   */
  async function issueCode(
    clientId: 'web' | 'other' | 'spa' = 'web',
    fields: Partial<AuthorizationCodeRecord> = {},
  ) {
    const now = clock.now();
    const sid = await recordSession(stores.sessions, { userId: user.id, authTime: now - 5, now });
    const { code, verifier, grantId } = await recordAuthorizationCode(stores, {
      clientId,
      userId: user.id,
      redirectUri: REDIRECT_URI,
      scopes: ['openid', 'profile', 'offline_access'],
      nonce: 'n-0S6_WzA2Mj',
      sid,
      authTime: now - 5,
      createdAt: now,
      ...fields,
    });
    const form = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    };
    return { grantId, sid, form };
  }

  /** A session, a grant and a code for `clientId`, redeemed at /token; the token response body. */
  async function signIn(
    clientId: 'web' | 'other' | 'spa' = 'web',
    fields: Partial<AuthorizationCodeRecord> = {},
  ) {
    const { grantId, sid, form } = await issueCode(clientId, fields);
    const response =
      clientId === 'spa' ? await token({ ...form, client_id: 'spa' }) : await token(form, auth(clientId));
    if (response.statusCode !== 200) throw new Error(`sign-in failed: ${response.body}`);
    return { grantId, sid, body: response.json() as Record<string, string> & { expires_in: number } };
  }

  /** POST /token grant_type=refresh_token as `clientId`. */
  const refresh = (
    refreshToken: string,
    clientId: 'web' | 'other' | 'spa' = 'web',
    extra: Record<string, string> = {},
  ) =>
    clientId === 'spa'
      ? token({ grant_type: 'refresh_token', refresh_token: refreshToken, client_id: 'spa', ...extra })
      : token({ grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, auth(clientId));

  return {
    app,
    clock,
    config,
    stores,
    keyManager,
    user,
    secrets,
    close,
    post,
    auth,
    token,
    issueCode,
    signIn,
    refresh,
  };
}

export type LifecycleFixture = Awaited<ReturnType<typeof lifecycleFixture>>;
