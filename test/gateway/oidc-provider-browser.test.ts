// Browser sign-in through the gateway in headless chromium, against node-oidc-provider (an independent
// OpenID Provider started in-process with its in-memory adapter): the gateway is provider-neutral.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Gateway, loadGatewayConfig, startGateway } from '@latchkey/gateway';
import Provider from 'oidc-provider';
import { startUpstream } from '../../packages/gateway/test/helpers/upstream.js';
import { launchChromium } from './chromium.js';
import { freePort } from './helpers.js';

let dir: string;
let opServer: Server;
let gateway: Gateway;
let upstream: Awaited<ReturnType<typeof startUpstream>>;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let gatewayOrigin: string;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-oidc-provider-'));
  const [opPort, gatewayPort] = [await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${opPort}`;
  gatewayOrigin = `http://127.0.0.1:${gatewayPort}`;
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: 'gateway',
        client_secret: 'a-long-enough-client-secret-for-tests',
        redirect_uris: [`${gatewayOrigin}/_latchkey/callback`],
        post_logout_redirect_uris: [`${gatewayOrigin}/`],
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    pkce: { required: () => true },
    // oidc-provider's default (conformIdTokenClaims): the ID token carries only `sub` and the protocol
    // claims; email and profile claims come from UserInfo alone (OIDC Core §5.4), which the gateway calls.
    claims: { openid: ['sub'], email: ['email'], profile: ['preferred_username'] },
    findAccount: (_ctx: unknown, id: string) => ({
      accountId: id,
      claims: () => ({ sub: id, email: `${id}@example.org`, preferred_username: `${id}.user` }),
    }),
  });
  opServer = createServer(provider.callback());
  await new Promise<void>((resolve) => opServer.listen(opPort, '127.0.0.1', resolve));
  upstream = await startUpstream();
  const config = loadGatewayConfig({
    env: {},
    raw: {
      listen: { host: '127.0.0.1', port: gatewayPort },
      publicUrl: gatewayOrigin,
      databaseUrl: `sqlite:${join(dir, 'gateway.db')}`,
      cookie: { secret: 'c'.repeat(32) },
      providers: [
        {
          id: 'node-oidc-provider',
          issuer,
          clientId: 'gateway',
          clientSecret: 'a-long-enough-client-secret-for-tests',
          scopes: ['openid', 'email', 'profile'],
        },
      ],
      upstreams: [{ id: 'app', url: upstream.url }],
      routes: [{ path: '/', upstream: 'app', policy: 'authenticated' }],
    },
  });
  gateway = await startGateway(config);
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await gateway?.close();
  await upstream?.close();
  opServer?.closeAllConnections();
  await new Promise((resolve) => opServer?.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

test('a browser signs in at node-oidc-provider (claims at UserInfo only) and reaches the upstream as that user', async () => {
  const page = await browser.context.newPage();
  await page.goto(`${gatewayOrigin}/dashboard?tab=2`);
  // node-oidc-provider's development login and consent pages.
  await page.fill('input[name=login]', 'alice');
  await page.fill('input[name=password]', 'anything');
  await page.click('button[type=submit]');
  await page.waitForLoadState();
  if (!page.url().startsWith(gatewayOrigin)) await page.click('button[type=submit]');
  await page.waitForURL(`${gatewayOrigin}/dashboard?tab=2`);
  const seen = JSON.parse((await page.textContent('body')) ?? '{}') as {
    url: string;
    headers: Record<string, string>;
  };
  assert.equal(seen.url, '/dashboard?tab=2');
  assert.equal(seen.headers['x-auth-request-user'], 'alice.user');
  assert.equal(seen.headers['x-auth-request-email'], 'alice@example.org');
  const cookies = await browser.context.cookies(gatewayOrigin);
  const session = cookies.find((c) => c.name === 'latchkey');
  assert.ok(session?.httpOnly);
  assert.equal(session?.sameSite, 'Lax');

  // RP-initiated logout: the provider's end-session page, then no session at the gateway.
  await page.goto(`${gatewayOrigin}/_latchkey/logout`);
  assert.ok(page.url().startsWith('http://127.0.0.1:'), page.url());
  const response = await fetch(`${gatewayOrigin}/dashboard`, {
    headers: { cookie: `latchkey=${session!.value}`, accept: 'text/html' },
    redirect: 'manual',
  });
  assert.equal(response.status, 302);
  await page.close();
});
