// Token exchange (RFC 8693) with real tokens from the provider: a user's access token from the web app
// is exchanged by service A (delegation, `act`), and A's token again by service B (a chain of `act`).
// Checklist D2: audience or scope outside policy, a revoked subject token, impersonation not allowed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { isJoseError, LocalKeySet, verifyJwt } from '@latchkey/oidc';
import { createClient, createUser } from '@latchkey/provider';
import { recordAuthorizationCode, recordSession } from '../helpers/authorization.js';
import { basicAuth } from '../helpers/basic-auth.js';
import { testProviderApp } from '../helpers/fixtures.js';

const EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const ACCESS_TOKEN = 'urn:ietf:params:oauth:token-type:access_token';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const ORDERS = 'https://orders.example.com';
const BILLING = 'https://billing.example.com';
const REDIRECT_URI = 'https://web.example.com/cb';

const POLICIES = {
  'service-a': {
    audiences: [ORDERS],
    scopes: ['openid', 'orders:read'],
    subjectClients: ['web'],
    impersonation: false,
  },
  'service-b': {
    audiences: [BILLING],
    scopes: ['orders:read'],
    subjectClients: ['service-a'],
    impersonation: false,
  },
  impersonator: {
    audiences: [ORDERS],
    scopes: ['orders:read'],
    subjectClients: ['web'],
    impersonation: true,
  },
};

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

describe('token exchange', () => {
  let f: Awaited<ReturnType<typeof testProviderApp>>;
  const secrets: Record<string, string> = {};
  let userId: string;

  before(async () => {
    f = await testProviderApp({ overrides: { tokenExchange: { clients: POLICIES } } });
    await createClient(f.stores, {
      name: 'Web',
      clientId: 'web',
      redirectUris: [REDIRECT_URI],
      scopes: ['openid', 'orders:read', 'orders:write'],
    }).then((c) => {
      secrets.web = c.secret!;
    });
    for (const id of ['service-a', 'service-b', 'impersonator']) {
      const created = await createClient(f.stores, {
        name: id,
        clientId: id,
        grantTypes: ['client_credentials', EXCHANGE],
        scopes: ['self'],
        allowedResources: ['https://self.example.com'],
      });
      secrets[id] = created.secret!;
    }
    userId = (await createUser(f.stores, { username: 'alice', password: 'correct horse battery staple' })).id;
  });
  after(() => f.close());

  const post = (clientId: string, form: Record<string, string>) =>
    f.app.inject({
      method: 'POST',
      url: '/token',
      headers: {
        authorization: basicAuth(clientId, secrets[clientId]!),
        'content-type': 'application/x-www-form-urlencoded',
      },
      payload: new URLSearchParams(form).toString(),
    });

  /** A user's tokens from the web app, through the code grant. */
  async function userTokens(): Promise<{ access_token: string; id_token: string }> {
    const now = f.clock.now();
    const sid = await recordSession(f.stores.sessions, { userId, authTime: now, now });
    const { code, verifier } = await recordAuthorizationCode(f.stores, {
      clientId: 'web',
      userId,
      redirectUri: REDIRECT_URI,
      scopes: ['openid', 'orders:read', 'orders:write'],
      sid,
      authTime: now,
      createdAt: now,
    });
    const response = await post('web', {
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    });
    assert.equal(response.statusCode, 200, response.body);
    return response.json();
  }

  const ownToken = async (clientId: string) =>
    (await post(clientId, { grant_type: 'client_credentials' })).json().access_token as string;

  async function exchange(clientId: string, form: Record<string, string>) {
    return post(clientId, { grant_type: EXCHANGE, subject_token_type: ACCESS_TOKEN, ...form });
  }

  test('delegation: service A gets a narrower token for the user, with act naming A', async () => {
    const { access_token } = await userTokens();
    const response = await exchange('service-a', {
      subject_token: access_token,
      actor_token: await ownToken('service-a'),
      actor_token_type: ACCESS_TOKEN,
      audience: ORDERS,
      scope: 'orders:read',
    });
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.equal(body.issued_token_type, ACCESS_TOKEN);
    assert.equal(body.token_type, 'Bearer');
    const claims = claimsOf(body.access_token);
    assert.equal(claims.sub, userId);
    assert.equal(claims.aud, ORDERS);
    assert.equal(claims.scope, 'orders:read');
    assert.equal(claims.client_id, 'service-a');
    assert.deepEqual(claims.act, { sub: 'service-a', client_id: 'service-a' });
    assert.ok((claims.exp as number) <= (claimsOf(access_token).exp as number));
    const [event] = await f.stores.audit.list({ limit: 1, type: 'token.exchanged' });
    assert.equal(event?.clientId, 'service-a');
    assert.equal(event?.details?.mode, 'delegation');
  });

  test('M4: the exchanged token is accepted by the API it names and refused by another (no passthrough)', async () => {
    const { access_token } = await userTokens();
    const exchanged = (
      await exchange('service-a', {
        subject_token: access_token,
        actor_token: await ownToken('service-a'),
        actor_token_type: ACCESS_TOKEN,
        audience: ORDERS,
      })
    ).json().access_token as string;
    const keys = LocalKeySet.fromJwks((await f.app.inject({ url: '/jwks' })).json());
    const at = (audience: string) =>
      verifyJwt(exchanged, keys, {
        issuer: f.config.issuer,
        audience,
        typ: 'at+jwt',
        now: () => f.clock.now() * 1000,
      });
    assert.equal((await at(ORDERS)).claims.sub, userId);
    await assert.rejects(at(BILLING), (error: unknown) => isJoseError(error, 'ERR_JWT_CLAIM_INVALID'));
    // The user's own token, forwarded as it is, is not valid at the orders API either.
    await assert.rejects(
      verifyJwt(access_token, keys, {
        issuer: f.config.issuer,
        audience: ORDERS,
        typ: 'at+jwt',
        now: () => f.clock.now() * 1000,
      }),
      (error: unknown) => isJoseError(error, 'ERR_JWT_CLAIM_INVALID'),
    );
  });

  test('D2: a chain of delegations nests act, the latest actor outermost', async () => {
    const { access_token } = await userTokens();
    const first = await exchange('service-a', {
      subject_token: access_token,
      actor_token: await ownToken('service-a'),
      actor_token_type: ACCESS_TOKEN,
      audience: ORDERS,
      scope: 'orders:read',
    });
    const second = await exchange('service-b', {
      subject_token: first.json().access_token,
      actor_token: await ownToken('service-b'),
      actor_token_type: ACCESS_TOKEN,
      audience: BILLING,
    });
    assert.equal(second.statusCode, 200, second.body);
    const claims = claimsOf(second.json().access_token);
    assert.equal(claims.sub, userId);
    assert.deepEqual(claims.act, {
      sub: 'service-b',
      client_id: 'service-b',
      act: { sub: 'service-a', client_id: 'service-a' },
    });
  });

  test('D2: an audience outside the policy is refused with invalid_target', async () => {
    const { access_token } = await userTokens();
    const response = await exchange('service-a', {
      subject_token: access_token,
      actor_token: await ownToken('service-a'),
      actor_token_type: ACCESS_TOKEN,
      audience: BILLING,
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'invalid_target');
  });

  test('D2: a scope outside the policy, or wider than the subject token, is refused with invalid_scope', async () => {
    const { access_token } = await userTokens();
    for (const scope of ['orders:write', 'admin']) {
      const response = await exchange('service-a', {
        subject_token: access_token,
        actor_token: await ownToken('service-a'),
        actor_token_type: ACCESS_TOKEN,
        audience: ORDERS,
        scope,
      });
      assert.equal(response.json().error, 'invalid_scope', scope);
    }
  });

  test('D2: a revoked subject token is refused', async () => {
    const { access_token } = await userTokens();
    await f.stores.grants.revoke(String(claimsOf(access_token).grant_id), f.clock.now());
    const response = await exchange('service-a', {
      subject_token: access_token,
      actor_token: await ownToken('service-a'),
      actor_token_type: ACCESS_TOKEN,
      audience: ORDERS,
    });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'invalid_request');
  });

  test('D2: impersonation (no actor token) is refused unless the policy allows it', async () => {
    const { access_token } = await userTokens();
    const refused = await exchange('service-a', { subject_token: access_token, audience: ORDERS });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.json().error_description, /impersonate/);
    const allowed = await exchange('impersonator', { subject_token: access_token, audience: ORDERS });
    assert.equal(allowed.statusCode, 200, allowed.body);
    assert.equal(claimsOf(allowed.json().access_token).act, undefined);
  });

  test('D2: a subject token of a client outside subjectClients is refused', async () => {
    const response = await exchange('service-b', {
      subject_token: await ownToken('service-a'),
      actor_token: await ownToken('service-b'),
      actor_token_type: ACCESS_TOKEN,
      audience: BILLING,
    });
    // service-a's own token is a subject token of client service-a, which service-b may exchange.
    assert.equal(response.statusCode, 200, response.body);
    const outside = await exchange('service-b', {
      subject_token: (await userTokens()).access_token,
      actor_token: await ownToken('service-b'),
      actor_token_type: ACCESS_TOKEN,
      audience: BILLING,
    });
    assert.equal(outside.json().error, 'invalid_request');
  });

  test('an actor token of another client, or a forged subject token, is refused', async () => {
    const { access_token } = await userTokens();
    const otherActor = await exchange('service-a', {
      subject_token: access_token,
      actor_token: await ownToken('service-b'),
      actor_token_type: ACCESS_TOKEN,
      audience: ORDERS,
    });
    assert.equal(otherActor.json().error, 'invalid_request');
    const forged = await exchange('service-a', {
      subject_token: `${access_token.slice(0, -4)}AAAA`,
      actor_token: await ownToken('service-a'),
      actor_token_type: ACCESS_TOKEN,
      audience: ORDERS,
    });
    assert.equal(forged.json().error, 'invalid_request');
  });

  test('an ID token is accepted as the subject token', async () => {
    const { id_token } = await userTokens();
    const response = await exchange('service-a', {
      subject_token: id_token,
      subject_token_type: ID_TOKEN,
      actor_token: await ownToken('service-a'),
      actor_token_type: ACCESS_TOKEN,
      audience: ORDERS,
      scope: 'orders:read',
    });
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(claimsOf(response.json().access_token).sub, userId);
  });

  test('a client registered for the grant but without a policy cannot exchange', async () => {
    const created = await createClient(f.stores, {
      name: 'No policy',
      clientId: 'no-policy',
      grantTypes: [EXCHANGE],
      scopes: ['self'],
    });
    secrets['no-policy'] = created.secret!;
    const response = await exchange('no-policy', {
      subject_token: (await userTokens()).access_token,
      audience: ORDERS,
    });
    assert.equal(response.json().error, 'unauthorized_client');
    assert.match(response.json().error_description, /policy/);
  });
});
