import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  issueInitialAccessToken,
  type ProviderConfigOverrides,
  verifyClientSecret,
} from '@latchkey/provider';
import { createHousekeeping } from '../../src/housekeeping/index.js';
import { testProviderApp } from '../helpers/fixtures.js';

type App = Awaited<ReturnType<typeof testProviderApp>>;
const POLICY = { scopes: ['openid', 'mcp:tools', 'mcp:admin'], resources: ['https://mcp.example.com/mcp'] };
const apps: App[] = [];
async function provider(registration: ProviderConfigOverrides['registration']): Promise<App> {
  const app = await testProviderApp({ overrides: { registration: { ...POLICY, ...registration } } });
  apps.push(app);
  return app;
}
after(async () => {
  for (const app of apps) await app.close();
});

const metadata = (fields: Record<string, unknown> = {}) => ({
  client_name: 'Agent',
  redirect_uris: ['http://127.0.0.1:33418/callback'],
  token_endpoint_auth_method: 'none',
  grant_types: ['authorization_code', 'refresh_token'],
  scope: 'mcp:tools',
  ...fields,
});

function register(
  p: App,
  body: unknown,
  headers: Record<string, string> = {},
  remoteAddress = '203.0.113.7',
) {
  return p.app.inject({
    method: 'POST',
    url: '/register',
    remoteAddress,
    headers: { 'content-type': 'application/json', ...headers },
    payload: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

function manage(p: App, method: 'GET' | 'PUT' | 'DELETE', clientId: string, token: string, body?: unknown) {
  return p.app.inject({
    method,
    url: `/register/${encodeURIComponent(clientId)}`,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  });
}

describe('dynamic client registration (RFC 7591)', () => {
  let open: App;
  before(async () => {
    open = await provider({ mode: 'open', rateLimit: 1000 });
  });

  test('disabled by default: no endpoint and none advertised', async () => {
    const p = await testProviderApp();
    apps.push(p);
    assert.equal((await register(p, metadata())).statusCode, 404);
    const doc = (await p.app.inject('/.well-known/openid-configuration')).json();
    assert.equal(doc.registration_endpoint, undefined);
  });

  test('open: a public client registers and gets its id, a registration access token and the policy scopes', async () => {
    const doc = (await open.app.inject('/.well-known/oauth-authorization-server')).json();
    assert.equal(doc.registration_endpoint, `${open.config.issuer}/register`);
    const response = await register(open, metadata());
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    const body = response.json();
    assert.match(body.client_id, /^[A-Za-z0-9][\w-]{21}$/);
    assert.equal(body.client_secret, undefined);
    assert.equal(body.token_endpoint_auth_method, 'none');
    assert.equal(body.scope, 'openid mcp:tools mcp:admin');
    assert.match(body.registration_access_token, /^[\w-]{43}$/);
    assert.equal(body.registration_client_uri, `${open.config.issuer}/register/${body.client_id}`);
    const client = await open.stores.clients.get(body.client_id);
    assert.deepEqual(client?.allowedResources, POLICY.resources);
    assert.deepEqual(client?.redirectUris, ['http://127.0.0.1:33418/callback']);
    const stored = await open.stores.clientRegistrations.get(body.client_id);
    assert.notEqual(stored?.registrationTokenHash, body.registration_access_token, 'stored hashed');
  });

  test('a confidential client gets a secret, stored only as its hash', async () => {
    const response = await register(
      open,
      metadata({
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: ['https://agent.example/cb'],
      }),
    );
    assert.equal(response.statusCode, 201, response.body);
    const { client_id, client_secret, client_secret_expires_at } = response.json();
    assert.equal(client_secret_expires_at, 0);
    const client = await open.stores.clients.get(client_id);
    assert.ok(verifyClientSecret(client!.secretHash, client_secret));
  });

  const dangerous: [string, Record<string, unknown> | string, string][] = [
    [
      'a javascript: redirect URI',
      metadata({ redirect_uris: ['javascript:alert(1)'] }),
      'invalid_redirect_uri',
    ],
    ['a wildcard host', metadata({ redirect_uris: ['https://*.example.com/cb'] }), 'invalid_redirect_uri'],
    ['a wildcard path', metadata({ redirect_uris: ['https://app.example.com/*'] }), 'invalid_redirect_uri'],
    ['a fragment', metadata({ redirect_uris: ['https://app.example.com/cb#x'] }), 'invalid_redirect_uri'],
    [
      'http to a public host',
      metadata({ redirect_uris: ['http://app.example.com/cb'] }),
      'invalid_redirect_uri',
    ],
    ['a data: URI', metadata({ redirect_uris: ['data:text/html,hi'] }), 'invalid_redirect_uri'],
    [
      'a custom scheme for a confidential client',
      metadata({ token_endpoint_auth_method: 'client_secret_basic', redirect_uris: ['com.example.app:/cb'] }),
      'invalid_redirect_uri',
    ],
    ['no redirect URI for the code grant', metadata({ redirect_uris: [] }), 'invalid_redirect_uri'],
    [
      'a grant type outside the policy',
      metadata({ grant_types: ['client_credentials'] }),
      'invalid_client_metadata',
    ],
    ['the token response type', metadata({ response_types: ['token'] }), 'invalid_client_metadata'],
    ['an unknown auth method', metadata({ token_endpoint_auth_method: 'magic' }), 'invalid_client_metadata'],
    [
      'redirect_uris not a list',
      metadata({ redirect_uris: 'https://a.example/cb' }),
      'invalid_client_metadata',
    ],
    [
      'a jwks_uri (the provider would fetch a URL anybody chose)',
      metadata({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://127.0.0.1/jwks' }),
      'invalid_client_metadata',
    ],
    [
      'a software statement',
      metadata({ software_statement: 'eyJ.e30.sig' }),
      'unapproved_software_statement',
    ],
    ['a JSON array', '[]', 'invalid_client_metadata'],
    ['broken JSON', '{"client_name":', 'invalid_request'],
  ];
  for (const [name, body, error] of dangerous) {
    test(`M3: ${name} is ${error}, and nothing is registered`, async () => {
      const before = (await open.stores.clients.list()).length;
      const response = await register(open, body);
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(response.json().error, error);
      assert.equal((await open.stores.clients.list()).length, before);
    });
  }

  test('M3: a form-encoded body is refused', async () => {
    const response = await open.app.inject({
      method: 'POST',
      url: '/register',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'client_name=x',
    });
    assert.equal(response.json().error, 'invalid_client_metadata');
  });
});

describe('client management (RFC 7592)', () => {
  let p: App;
  before(async () => {
    p = await provider({ mode: 'open', rateLimit: 1000 });
  });

  test('read, update and delete with the registration access token', async () => {
    const { client_id, registration_access_token: token } = (await register(p, metadata())).json();
    const read = await manage(p, 'GET', client_id, token);
    assert.equal(read.statusCode, 200, read.body);
    assert.equal(read.json().client_name, 'Agent');
    assert.equal(read.json().registration_access_token, undefined);

    const update = await manage(p, 'PUT', client_id, token, {
      ...metadata({ client_name: 'Agent 2', redirect_uris: ['http://127.0.0.1:40000/cb'] }),
      client_id,
    });
    assert.equal(update.statusCode, 200, update.body);
    assert.deepEqual((await p.stores.clients.get(client_id))?.redirectUris, ['http://127.0.0.1:40000/cb']);
    assert.equal((await p.stores.clients.get(client_id))?.name, 'Agent 2');

    const bad = await manage(p, 'PUT', client_id, token, {
      ...metadata({ redirect_uris: ['javascript:alert(1)'] }),
      client_id,
    });
    assert.equal(bad.json().error, 'invalid_redirect_uri');
    assert.equal(
      (await p.stores.clients.get(client_id))?.name,
      'Agent 2',
      'a refused update changes nothing',
    );

    assert.equal((await manage(p, 'DELETE', client_id, token)).statusCode, 204);
    assert.equal(await p.stores.clients.get(client_id), undefined);
    assert.equal((await manage(p, 'GET', client_id, token)).statusCode, 401);
  });

  test("M3: another client's registration access token is refused (401 Bearer invalid_token) and changes nothing", async () => {
    const victim = (await register(p, metadata({ client_name: 'Victim' }))).json();
    const attacker = (await register(p, metadata({ client_name: 'Attacker' }))).json();
    const stolen = attacker.registration_access_token;
    const read = await manage(p, 'GET', victim.client_id, stolen);
    assert.equal(read.statusCode, 401);
    assert.equal(read.json().error, 'invalid_token');
    assert.match(String(read.headers['www-authenticate']), /^Bearer .*error="invalid_token"/);
    const update = await manage(p, 'PUT', victim.client_id, stolen, {
      ...metadata({ redirect_uris: ['https://attacker.example/cb'] }),
      client_id: victim.client_id,
    });
    assert.equal(update.statusCode, 401);
    assert.equal((await manage(p, 'DELETE', victim.client_id, stolen)).statusCode, 401);
    const client = await p.stores.clients.get(victim.client_id);
    assert.deepEqual(client?.redirectUris, ['http://127.0.0.1:33418/callback']);
    assert.equal(client?.name, 'Victim');
  });

  test('M3: a client the operator registered cannot be managed here, with any token', async () => {
    const { createClient } = await import('@latchkey/provider');
    await createClient(p.stores, {
      name: 'Manual',
      clientId: 'manual',
      redirectUris: ['https://m.example/cb'],
    });
    const { registration_access_token } = (await register(p, metadata())).json();
    assert.equal((await manage(p, 'DELETE', 'manual', registration_access_token)).statusCode, 401);
    assert.ok(await p.stores.clients.get('manual'));
  });

  test('M3: an update must name the client it replaces', async () => {
    const { client_id, registration_access_token: token } = (await register(p, metadata())).json();
    const response = await manage(p, 'PUT', client_id, token, { ...metadata(), client_id: 'other' });
    assert.equal(response.json().error, 'invalid_client_metadata');
  });
});

describe('registration by initial access token', () => {
  let p: App;
  before(async () => {
    p = await provider({ mode: 'token' });
  });

  test('M3: without a token, or with an unknown one, registration is refused', async () => {
    assert.equal((await register(p, metadata())).statusCode, 401);
    const response = await register(p, metadata(), { authorization: 'Bearer not-a-real-token' });
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error, 'invalid_token');
  });

  test('M3: a token registers one client; invalid metadata does not spend it; a second use is refused', async () => {
    const { token } = await issueInitialAccessToken(p.stores, { now: p.clock.now });
    const headers = { authorization: `Bearer ${token}` };
    const invalid = await register(p, metadata({ redirect_uris: ['javascript:x'] }), headers);
    assert.equal(invalid.statusCode, 400);
    assert.equal((await register(p, metadata(), headers)).statusCode, 201);
    assert.equal((await register(p, metadata(), headers)).statusCode, 401);
  });

  test('M3: an expired token is refused', async () => {
    const { token } = await issueInitialAccessToken(p.stores, { now: p.clock.now, lifetime: 60 });
    p.clock.advance(60);
    assert.equal((await register(p, metadata(), { authorization: `Bearer ${token}` })).statusCode, 401);
  });

  test('M3: ten registrations racing on one initial access token: exactly one succeeds', async () => {
    const { token } = await issueInitialAccessToken(p.stores, { now: p.clock.now });
    const statuses = await Promise.all(
      Array.from({ length: 10 }, () => register(p, metadata(), { authorization: `Bearer ${token}` })),
    );
    assert.equal(statuses.filter((r) => r.statusCode === 201).length, 1);
    assert.equal(statuses.filter((r) => r.statusCode === 401).length, 9);
  });
});

describe('L3: rows created without authentication are bounded', () => {
  test('L3: ten parallel open registrations from one address with a limit of 3: exactly 3 succeed; another address still may', async () => {
    const p = await provider({ mode: 'open', rateLimit: 3 });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () => register(p, metadata(), {}, '198.51.100.9')),
    );
    assert.equal(responses.filter((r) => r.statusCode === 201).length, 3);
    const refused = responses.find((r) => r.statusCode === 429)!;
    assert.equal(refused.json().error, 'temporarily_unavailable');
    assert.equal(refused.headers['retry-after'], '3600');
    assert.equal((await p.stores.clients.list()).length, 3);
    assert.equal((await register(p, metadata(), {}, '198.51.100.10')).statusCode, 201);
  });

  test('L3: a dynamically registered client unused for the configured lifetime is deleted by housekeeping; a used one stays', async () => {
    const p = await provider({ mode: 'open', rateLimit: 1000 });
    const idle = (await register(p, metadata())).json();
    const used = (await register(p, metadata())).json();
    const { createClient } = await import('@latchkey/provider');
    await createClient(p.stores, {
      name: 'Manual',
      clientId: 'manual-2',
      redirectUris: ['https://m.example/cb'],
    });
    p.clock.advance(3 * 86_400);
    await p.stores.grants.create({
      id: 'g-used',
      clientId: used.client_id,
      userId: 'someone',
      scopes: ['mcp:tools'],
      resources: [],
      sid: null,
      createdAt: p.clock.now(),
      revokedAt: null,
    });
    const housekeeping = createHousekeeping({
      stores: p.stores,
      now: p.clock.now,
      instanceId: 'hk',
      unusedClientLifetime: 2 * 86_400,
    });
    const { deleted } = await housekeeping.runOnce();
    assert.ok(deleted >= 1);
    assert.equal(await p.stores.clients.get(idle.client_id), undefined);
    assert.ok(await p.stores.clients.get(used.client_id));
    assert.ok(await p.stores.clients.get('manual-2'));
  });
});

describe('consent for dynamically registered clients', () => {
  test('M3: every redirect URI on localhost: the consent page warns; an https redirect URI: no warning', async () => {
    const { createUser } = await import('@latchkey/provider');
    const { Browser, PASSWORD, pkcePair } = await import('../authorize/harness.js');
    const p = await provider({ mode: 'open', rateLimit: 1000 });
    await createUser(p.stores, { username: 'alice', password: PASSWORD });
    const consentFor = async (redirectUri: string) => {
      const { client_id } = (await register(p, metadata({ redirect_uris: [redirectUri] }))).json();
      const browser = new Browser(p.app);
      const params = new URLSearchParams({
        response_type: 'code',
        client_id,
        redirect_uri: redirectUri,
        scope: 'mcp:tools',
        code_challenge: pkcePair().challenge,
        code_challenge_method: 'S256',
      });
      const login = await browser.loginForm(await browser.authorize(params));
      assert.ok(login);
      const consent = await browser.consentForm(await browser.submitLogin(login, 'alice', PASSWORD));
      assert.ok(consent);
      return consent.body;
    };
    assert.match(await consentFor('http://127.0.0.1:33418/callback'), /only returns to this computer/);
    assert.doesNotMatch(await consentFor('https://agent.example/callback'), /only returns to this computer/);
  });
});

describe('software statements (RFC 7591 §2.3)', () => {
  const VENDOR = 'https://vendor.example';
  let p: App;
  let sign: (claims: Record<string, unknown>, key?: 'vendor' | 'other') => string;
  before(async () => {
    const { exportJwk, generateKeyPair, signJwt } = await import('@latchkey/oidc');
    const vendor = await generateKeyPair('ES256', { kid: 'vendor-1' });
    const other = await generateKeyPair('ES256', { kid: 'vendor-1' });
    p = await provider({
      mode: 'open',
      rateLimit: 1000,
      softwareStatementIssuers: [{ issuer: VENDOR, jwks: { keys: [exportJwk(vendor.publicKey)] } }],
    });
    sign = (claims, key = 'vendor') =>
      signJwt(
        { iss: VENDOR, iat: p.clock.now(), exp: p.clock.now() + 600, ...claims },
        (key === 'vendor' ? vendor : other).privateKey,
      );
  });

  test("a statement by a configured issuer is verified and its metadata wins over the request's", async () => {
    const statement = sign({ client_name: 'Vouched Agent', redirect_uris: ['https://vendor.example/cb'] });
    const response = await register(
      p,
      metadata({ client_name: 'Self-named', software_statement: statement }),
    );
    assert.equal(response.statusCode, 201, response.body);
    assert.equal(response.json().client_name, 'Vouched Agent');
    assert.deepEqual(response.json().redirect_uris, ['https://vendor.example/cb']);
  });

  const refused: [string, () => string, string][] = [
    ['signed with another key', () => sign({ client_name: 'x' }, 'other'), 'invalid_software_statement'],
    [
      'expired',
      () => sign({ iat: p.clock.now() - 700, exp: p.clock.now() - 120 }),
      'invalid_software_statement',
    ],
    [
      'by an issuer nobody configured',
      () => sign({ iss: 'https://evil.example' }),
      'unapproved_software_statement',
    ],
    ['not a JWT', () => 'not-a-jwt', 'unapproved_software_statement'],
  ];
  for (const [name, statement, error] of refused) {
    test(`M3: a statement ${name} is ${error}, and nothing is registered`, async () => {
      const before = (await p.stores.clients.list()).length;
      const response = await register(p, metadata({ software_statement: statement() }));
      assert.equal(response.statusCode, 400, response.body);
      assert.equal(response.json().error, error);
      assert.equal((await p.stores.clients.list()).length, before);
    });
  }
});
