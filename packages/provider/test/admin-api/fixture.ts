import { randomUUID } from 'node:crypto';
import { createClient, createUser } from '../../src/admin/index.js';
import { adminApiAudience } from '../../src/admin-api/index.js';
import { accessTokenClaims, signAccessToken } from '../../src/tokens/index.js';
import { type TestProviderAppOptions, testProviderApp } from '../helpers/fixtures.js';

export const API = '/admin/api/v1';

/** The provider with an admin (root), a non-admin (bob), a user to act on (carol) and an admin service client. */
export async function adminApiFixture(options: TestProviderAppOptions = {}) {
  const provider = await testProviderApp(options);
  const { stores, config, clock, keyManager } = provider;
  const audience = adminApiAudience(config.issuer);
  const root = await createUser(stores, { username: 'root', admin: true });
  const bob = await createUser(stores, { username: 'bob', email: 'bob@example.com' });
  await createUser(stores, { username: 'carol', email: 'carol@example.com' });
  const service = await createClient(stores, {
    name: 'Admin robot',
    clientId: 'admin-robot',
    grantTypes: ['client_credentials'],
    scopes: ['latchkey:admin'],
    allowedResources: [audience],
  });

  // The client the fixture's user tokens come through (the routes under test act on admin-robot).
  await createClient(stores, {
    name: 'Admin console',
    clientId: 'admin-console',
    redirectUris: ['https://admin.example/callback'],
    scopes: ['openid', 'latchkey:admin', 'latchkey:admin.read'],
    allowedResources: [audience],
  });

  /** An access token of ours, signed with the current key, for `subject` (a user with a live grant). */
  async function userToken(
    userId: string,
    options: {
      scopes?: string[];
      audience?: string;
      issuer?: string;
      issuedAt?: number;
      extraClaims?: Record<string, unknown>;
    } = {},
  ): Promise<string> {
    const grantId = randomUUID();
    await stores.grants.create({
      id: grantId,
      clientId: 'admin-console',
      userId,
      scopes: options.scopes ?? ['latchkey:admin'],
      resources: [audience],
      sid: null,
      createdAt: clock.now(),
      revokedAt: null,
    });
    const claims = accessTokenClaims({
      issuer: options.issuer ?? config.issuer,
      subject: userId,
      audience: [options.audience ?? audience],
      clientId: 'admin-console',
      scopes: options.scopes ?? ['latchkey:admin'],
      jti: randomUUID(),
      issuedAt: options.issuedAt ?? clock.now(),
      lifetime: config.tokens.accessTokenLifetime,
      authTime: clock.now(),
      acr: null,
      amr: ['pwd'],
      grantId,
      userinfoClaims: [],
      groups: undefined,
    });
    return signAccessToken(
      { ...claims, ...options.extraClaims },
      keyManager.signingKey(config.tokens.accessTokenAlg),
    );
  }

  /** A client_credentials token from the token endpoint, as docs/admin-api.md shows with curl. */
  async function serviceToken(): Promise<string> {
    const response = await provider.app.inject({
      method: 'POST',
      url: '/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`admin-robot:${service.secret}`).toString('base64')}`,
      },
      payload: new URLSearchParams({ grant_type: 'client_credentials', resource: audience }).toString(),
    });
    if (response.statusCode !== 200) throw new Error(`token endpoint: ${response.body}`);
    return response.json().access_token;
  }

  return { ...provider, audience, root, bob, userToken, serviceToken };
}

/**
 * A call to the admin API with a Bearer token, for suites whose fixture and token are made in `before`:
 * both are read at each call, so the function can be declared where the suite's variables are.
 */
export function apiCaller(
  current: () => { readonly fixture: { readonly app: FastifyLike }; readonly token: string },
) {
  return (
    method: string,
    url: string,
    options: { body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const { fixture, token } = current();
    return fixture.app.inject({
      method: method as 'GET',
      url: API + url,
      headers: { authorization: `Bearer ${token}`, ...options.headers },
      ...(options.body === undefined ? {} : { payload: options.body as object }),
    });
  };
}

type FastifyLike = Awaited<ReturnType<typeof adminApiFixture>>['app'];
