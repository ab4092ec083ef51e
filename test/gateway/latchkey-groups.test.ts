// The gateway's `group:NAME` policy against Latchkey's own tokens (issue 14): a user in the group,
// signed in with the `groups` scope, gets through an API route that requires the group; a user outside
// it, or the same user without the `groups` scope (no groups claim), is refused. Sign-in over plain
// HTTP through the provider's real login and consent pages; the access token is audience-restricted
// to the gateway route (RFC 8707).
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Gateway, loadGatewayConfig, startGateway } from '@latchkey/gateway';
import { addGroupMember, createClient, createGroup, createUser } from '@latchkey/provider';
import { startUpstream } from '../../packages/gateway/test/helpers/upstream.js';
import { HttpBrowser } from '../helpers/http-browser.js';
import { signInOverHttp } from '../helpers/http-sign-in.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';
import { freePort } from './helpers.js';

const PASSWORD = 'correct horse battery staple';
const REDIRECT_URI = 'https://ops-console.example/callback';

let op: TestProvider;
let gateway: Gateway;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let gatewayDir: string;
let gatewayOrigin: string;
let secret: string;

before(async () => {
  op = await startTestProvider();
  const stores = op.provider.stores;
  gatewayOrigin = `http://localhost:${await freePort()}`;
  const created = await createClient(stores, {
    name: 'Ops console',
    clientId: 'ops-console',
    redirectUris: [REDIRECT_URI],
    scopes: ['openid', 'groups'],
    allowedResources: [`${gatewayOrigin}/ops`],
  });
  secret = created.secret!;
  await createUser(stores, { username: 'alice', password: PASSWORD });
  await createUser(stores, { username: 'bob', password: PASSWORD });
  await createUser(stores, { username: 'carol', password: PASSWORD });
  await createGroup(stores, 'ops');
  await addGroupMember(stores, 'ops', 'alice');
  await addGroupMember(stores, 'ops', 'carol');

  upstream = await startUpstream();
  gatewayDir = mkdtempSync(join(tmpdir(), 'latchkey-gateway-groups-'));
  gateway = await startGateway(
    loadGatewayConfig({
      env: {},
      raw: {
        listen: { host: '127.0.0.1', port: Number(new URL(gatewayOrigin).port) },
        publicUrl: gatewayOrigin,
        databaseUrl: `sqlite:${join(gatewayDir, 'gateway.db')}`,
        cookie: { secret: randomBytes(32).toString('base64url') },
        providers: [{ id: 'latchkey', issuer: op.issuer, clientId: 'ops-console', clientSecret: secret }],
        upstreams: [{ id: 'app', url: upstream.url }],
        routes: [{ path: '/ops', upstream: 'app', mode: 'api', policy: { require: ['group:ops'] } }],
      },
    }),
  );
});

after(async () => {
  await gateway?.close();
  await upstream?.close();
  await op?.close();
  if (gatewayDir !== undefined) rmSync(gatewayDir, { recursive: true, force: true });
});

/** Signs `username` in with `scope` (code + PKCE, resource = the gateway route) and returns the access token. */
async function accessTokenFor(username: string, scope: string): Promise<string> {
  const verifier = randomBytes(32).toString('base64url');
  const authorize = new URL('/authorize', op.issuer);
  authorize.search = new URLSearchParams({
    client_id: 'ops-console',
    redirect_uri: REDIRECT_URI,
    response_type: 'code',
    scope,
    state: randomBytes(8).toString('hex'),
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    resource: `${gatewayOrigin}/ops`,
  }).toString();
  const callback = await signInOverHttp({
    browser: new HttpBrowser(op.issuer),
    authorizationUrl: authorize,
    username,
    password: PASSWORD,
  });
  const code = callback.searchParams.get('code');
  assert.ok(code, callback.href);
  const response = await fetch(new URL('/token', op.issuer), {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`ops-console:${secret}`).toString('base64')}`,
    },
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code,
      redirect_uri: REDIRECT_URI,
      code_verifier: verifier,
    }),
  });
  assert.equal(response.status, 200, await response.clone().text());
  return ((await response.json()) as { access_token: string }).access_token;
}

const callOps = (token: string) =>
  fetch(`${gatewayOrigin}/ops/deploy`, { headers: { authorization: `Bearer ${token}` } });

test('group:ops lets a member of ops through with a Latchkey access token carrying the groups scope', async () => {
  const token = await accessTokenFor('alice', 'openid groups');
  const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    groups?: string[];
  };
  assert.deepEqual(claims.groups, ['ops']);
  const response = await callOps(token);
  assert.equal(response.status, 200, await response.clone().text());
});

test('group:ops refuses a user outside the group (403), though signed in with the groups scope', async () => {
  const response = await callOps(await accessTokenFor('bob', 'openid groups'));
  assert.equal(response.status, 403);
});

test('group:ops refuses a member whose token was issued without the groups scope (no groups claim)', async () => {
  // Carol (a member) has not consented to this client before, so the sign-in walks the consent page.
  const token = await accessTokenFor('carol', 'openid');
  assert.equal('groups' in JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()), false);
  assert.equal((await callOps(token)).status, 403);
});
