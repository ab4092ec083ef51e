/**
 * The same MCP server with no OAuth code of its own, behind `latchkey gateway` (API mode): the gateway
 * serves the RFC 9728 metadata and the challenges, checks the token (issuer, audience = the gateway's
 * resource, `typ at+jwt`, the route's scope), and forwards who is calling. An SDK agent registers
 * dynamically, signs in through Chromium and calls a tool; the token issued for the gateway's
 * resource is refused elsewhere (M4).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type Gateway, loadGatewayConfig, startGateway } from '@latchkey/gateway';
import { type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { InMemoryAgentAuth } from './agent.js';
import { signInAgent } from './browser-user.js';
import { type RunningMcpServer, startMcpServer, TOOLS_SCOPE } from './mcp-server.js';
import { freePort, type McpProvider, startMcpProvider } from './provider.js';

let upstream: RunningMcpServer;
let protectedElsewhere: RunningMcpServer;
let op: McpProvider;
let gateway: Gateway;
let gatewayDir: string;
let browser: LaunchedChromium;
let callback: Server;
let redirectUrl: string;
let mcpUrl: string;

before(async () => {
  const issuerPort = await freePort();
  const gatewayPort = await freePort();
  const issuer = `http://127.0.0.1:${issuerPort}`;
  mcpUrl = `http://localhost:${gatewayPort}/mcp`;
  upstream = await startMcpServer();
  protectedElsewhere = await startMcpServer(issuer);
  op = await startMcpProvider({
    issuerPort,
    documentHost: 'cimd.test',
    resources: [mcpUrl, protectedElsewhere.resource],
    scopes: [TOOLS_SCOPE],
  });
  gatewayDir = mkdtempSync(join(tmpdir(), 'latchkey-mcp-gateway-'));
  gateway = await startGateway(
    loadGatewayConfig({
      env: {},
      raw: {
        listen: { host: '127.0.0.1', port: gatewayPort },
        publicUrl: `http://localhost:${gatewayPort}`,
        databaseUrl: `sqlite:${join(gatewayDir, 'gateway.db')}`,
        cookie: { secret: randomBytes(32).toString('base64url') },
        providers: [{ id: 'latchkey', issuer, clientId: 'gateway' }],
        upstreams: [{ id: 'mcp', url: new URL(upstream.resource).origin }],
        routes: [
          { path: '/mcp', upstream: 'mcp', mode: 'api', policy: { require: [`scope:${TOOLS_SCOPE}`] } },
        ],
      },
    }),
  );
  callback = createServer((_req, res) => res.writeHead(200).end('done'));
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  redirectUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => callback?.close(resolve));
  await gateway?.close();
  await op?.close();
  await upstream?.close();
  await protectedElsewhere?.close();
  if (gatewayDir !== undefined) rmSync(gatewayDir, { recursive: true, force: true });
});

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());

test('an SDK agent reaches an MCP server behind latchkey gateway: discovery, dynamic registration, sign-in, a tool call; M4: its token is refused by another MCP server and by UserInfo', async () => {
  const auth = new InMemoryAgentAuth(redirectUrl, {
    client_name: 'Gateway Agent',
    redirect_uris: [redirectUrl],
    grant_types: ['authorization_code'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
  });
  const { first, client } = await signInAgent(browser, mcpUrl, auth, { redirectUrl, issuer: op.issuer });
  assert.equal(first.searchParams.get('resource'), mcpUrl, 'the resource from the gateway metadata');
  assert.equal(first.searchParams.get('scope'), TOOLS_SCOPE);
  assert.equal(auth.registrations.length, 1);

  const result = await client.callTool({ name: 'whoami' });
  const user = await op.stores.users.getByUsername('alice');
  assert.equal(
    (result.content as { text: string }[])[0]?.text,
    `sub=${user?.id}`,
    'the gateway names the user',
  );
  const token = (await auth.tokens())?.access_token ?? assert.fail('no token');
  assert.equal(claimsOf(token).aud, mcpUrl, 'aud is exactly the gateway route resource');
  await client.close();

  // M4: the token issued for the gateway route is no key to another MCP server, nor to UserInfo.
  const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
  const post = (url: string, bearer: string) =>
    fetch(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${bearer}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify(list),
    });
  const elsewhere = await post(protectedElsewhere.resource, token);
  assert.equal(elsewhere.status, 401);
  assert.match(elsewhere.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  const userinfo = await fetch(`${op.issuer}/userinfo`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(userinfo.status, 401);
});
