import { randomBytes } from 'node:crypto';
import {
  exportJwk,
  type GeneratedKeyPair,
  generateKeyPair,
  type JoseKey,
  type JwkSet,
  signJwt,
} from '@latchkey/oidc';
import { createClient, createKeyManager, createProviderApp, createUser } from '@latchkey/provider';
import { recordAuthorizationCode } from '../helpers/authorization.js';
import { frozenClock, sqliteStores, TEST_SECRET, testConfig } from '../helpers/fixtures.js';

export const REDIRECT_URI = 'https://rp.example/callback';
export const REMOTE_JWKS_URI = 'https://keys.rp.example/jwks';
export const CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/**
 * A provider app on a fresh SQLite database with a frozen clock and private_key_jwt clients:
 * `pkjwt` registers an inline JWKS (an RS256 and an ES256 key), `pkjwt-remote` a jwks_uri served by a
 * counting fake fetch; `web` uses client_secret_basic. `redeem` issues a code for a client, exactly as
 * the authorization endpoint records it, and redeems it with the given client authentication.
 */
export async function privateKeyJwtFixture() {
  const clock = frozenClock();
  const config = testConfig();
  const stores = await sqliteStores();
  const keyManager = createKeyManager({ config, stores, now: clock.now, secret: TEST_SECRET });
  await keyManager.start();

  const remote = await generateKeyPair('ES256', { kid: 'remote-1' });
  const fetched: string[] = [];
  let remoteJwks: JwkSet = { keys: [exportJwk(remote.publicKey)] };
  const fetch = (async (url: string | URL) => {
    fetched.push(String(url));
    return new Response(JSON.stringify(remoteJwks), {
      status: 200,
      headers: { 'content-type': 'application/json', 'cache-control': 'max-age=300' },
    });
  }) as typeof globalThis.fetch;

  const app = createProviderApp({ config, stores, keyManager, clock: clock.now, fetch });
  const close = async () => {
    await app.close();
    await keyManager.stop();
  };

  const user = await createUser(stores, { username: 'alice' }, { now: clock.now });
  const rsa = await generateKeyPair('RS256', { kid: 'rsa-1' });
  const ec = await generateKeyPair('ES256', { kid: 'ec-1' });
  const common = { redirectUris: [REDIRECT_URI], scopes: ['openid'] };
  await createClient(
    stores,
    {
      ...common,
      name: 'pkjwt',
      clientId: 'pkjwt',
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwks: { keys: [exportJwk(rsa.publicKey), exportJwk(ec.publicKey)] },
    },
    { now: clock.now },
  );
  await createClient(
    stores,
    {
      ...common,
      name: 'pkjwt-remote',
      clientId: 'pkjwt-remote',
      tokenEndpointAuthMethod: 'private_key_jwt',
      jwksUri: REMOTE_JWKS_URI,
    },
    { now: clock.now },
  );
  const web = await createClient(stores, { ...common, name: 'web', clientId: 'web' }, { now: clock.now });

  /** A client assertion as RFC 7523 §3 describes it, with `claims` replacing or adding members. */
  function assertion(
    options: {
      readonly clientId?: string;
      readonly key?: JoseKey;
      readonly claims?: Record<string, unknown>;
      readonly header?: Record<string, unknown>;
    } = {},
  ): string {
    const clientId = options.clientId ?? 'pkjwt';
    const now = clock.now();
    const claims: Record<string, unknown> = {
      iss: clientId,
      sub: clientId,
      aud: config.issuer,
      iat: now,
      exp: now + 60,
      jti: randomBytes(16).toString('base64url'),
      ...options.claims,
    };
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    return signJwt(claims, options.key ?? rsa.privateKey, options.header ? { header: options.header } : {});
  }

  /** Records a grant and a code for `clientId`; returns the token request form (without client auth). */
  async function codeForm(clientId: string): Promise<Record<string, string>> {
    const now = clock.now();
    const { code, verifier } = await recordAuthorizationCode(stores, {
      clientId,
      userId: user.id,
      redirectUri: REDIRECT_URI,
      scopes: ['openid'],
      sid: 'sid-1',
      authTime: now,
      createdAt: now,
    });
    return {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    };
  }

  /** Redeems a fresh code of `clientId` with `auth` added to the form (and `headers`). */
  async function redeem(
    clientId: string,
    auth: Record<string, string | undefined>,
    headers: Record<string, string> = {},
  ) {
    const form = await codeForm(clientId);
    for (const [name, value] of Object.entries(auth)) if (value !== undefined) form[name] = value;
    return app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(form).toString(),
    });
  }

  /** The form members of private_key_jwt for `token`. */
  const withAssertion = (token: string) => ({
    client_assertion_type: CLIENT_ASSERTION_TYPE,
    client_assertion: token,
  });

  return {
    app,
    clock,
    config,
    stores,
    close,
    keys: { rsa, ec, remote } satisfies Record<string, GeneratedKeyPair>,
    webSecret: web.secret!,
    fetched,
    setRemoteJwks(jwks: JwkSet) {
      remoteJwks = jwks;
    },
    assertion,
    redeem,
    withAssertion,
  };
}

export type PrivateKeyJwtFixture = Awaited<ReturnType<typeof privateKeyJwtFixture>>;
