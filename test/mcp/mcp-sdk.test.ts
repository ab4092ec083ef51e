/**
 * End to end with the official MCP TypeScript SDK: an MCP server (Streamable HTTP) protected by
 * @latchkey/oidc in-process; SDK clients with no pre-registration find Latchkey through RFC 9728,
 * identify themselves by a Client ID Metadata Document (served on loopback over TLS, allowed by the
 * test configuration) or register dynamically (RFC 7591); the user signs in and consents in Chromium;
 * the agent calls a tool; a tool needing `mcp:admin` triggers the 403 step-up and a re-authorization.
 * The tokens carry exactly the MCP server's resource in `aud`, and UserInfo refuses them (M4).
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientMetadata } from '@modelcontextprotocol/sdk/shared/auth.js';
import {
  type DocumentServer,
  jsonDocument,
  startDocumentServer,
} from '../../packages/provider/test/helpers/document-server.js';
import { type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { connect, InMemoryAgentAuth, transportFor } from './agent.js';
import { authorizeInBrowser as authorizeUser, signInAgent as signInWithBrowser } from './browser-user.js';
import { ADMIN_SCOPE, type RunningMcpServer, startMcpServer, TOOLS_SCOPE } from './mcp-server.js';
import { freePort, type McpProvider, startMcpProvider } from './provider.js';

const DOCUMENT_HOST = 'cimd.test';

let docs: DocumentServer;
let mcp: RunningMcpServer;
let op: McpProvider;
let browser: LaunchedChromium;
let callback: Server;
let redirectUrl: string;
let cimdUrl: string;

before(async () => {
  docs = await startDocumentServer();
  const issuerPort = await freePort();
  mcp = await startMcpServer(`http://127.0.0.1:${issuerPort}`);
  op = await startMcpProvider({
    issuerPort,
    documentHost: DOCUMENT_HOST,
    resources: [mcp.resource],
    scopes: [TOOLS_SCOPE, ADMIN_SCOPE],
  });
  callback = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('done'));
  await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
  redirectUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
  cimdUrl = docs.url('/agents/mcp-agent.json', DOCUMENT_HOST);
  docs.serve(
    '/agents/mcp-agent.json',
    jsonDocument({
      client_id: cimdUrl,
      client_name: 'Metadata Document Agent',
      redirect_uris: [redirectUrl],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    }),
  );
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => callback?.close(resolve));
  await op?.close();
  await mcp?.close();
  await docs?.close();
});

/**
 * Public client, code grant only: the SDK (1.32) answers a step-up by refreshing when it holds a
 * refresh token, which cannot widen the scope; without one it re-authorizes (docs/agents.md).
 */
const clientMetadata = (name: string): OAuthClientMetadata => ({
  client_name: name,
  redirect_uris: [redirectUrl],
  grant_types: ['authorization_code'],
  response_types: ['code'],
  token_endpoint_auth_method: 'none',
});

const expected = () => ({ redirectUrl, issuer: op.issuer });
const authorizeInBrowser = (url: URL) => authorizeUser(browser, url, expected());

const claimsOf = (token: string) => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString());
const textOf = (result: Awaited<ReturnType<Awaited<ReturnType<typeof connect>>['client']['callTool']>>) =>
  (result.content as { type: string; text: string }[])[0]?.text;

const signInAgent = (auth: InMemoryAgentAuth) => signInWithBrowser(browser, mcp.resource, auth, expected());

/** The step-up: a 403 insufficient_scope makes the SDK ask for the user again, with the wider scope. */
async function stepUp(auth: InMemoryAgentAuth, client: Awaited<ReturnType<typeof connect>>['client']) {
  await assert.rejects(client.callTool({ name: 'admin_stats' }), UnauthorizedError);
  const again = auth.takeAuthorizationUrl() ?? assert.fail('no step-up authorization');
  const { code } = await authorizeInBrowser(again);
  await transportFor(mcp.resource, auth).finishAuth(code);
  return { again, ...(await connect(mcp.resource, auth)) };
}

describe('an MCP agent on Latchkey, with the official SDK', () => {
  test('by Client ID Metadata Document: discovers via RFC 9728, signs in, calls a tool, steps up for mcp:admin; tokens name only the MCP server', async () => {
    const auth = new InMemoryAgentAuth(redirectUrl, clientMetadata('Metadata Document Agent'), cimdUrl);
    const { first, consent, client } = await signInAgent(auth);
    assert.equal(first.origin, op.issuer);
    assert.equal(first.searchParams.get('client_id'), cimdUrl);
    assert.equal(first.searchParams.get('resource'), mcp.resource);
    assert.equal(first.searchParams.get('scope'), TOOLS_SCOPE, 'the scope of the 401 challenge');
    assert.equal(first.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(docs.hits('/agents/mcp-agent.json') >= 1, 'the provider fetched the document');
    assert.match(consent, new RegExp(`${DOCUMENT_HOST}:${docs.port}`), 'consent names the document host');
    assert.match(consent, /only returns to this computer/, 'localhost-only redirect warning');
    assert.equal(auth.registrations.length, 0, 'no dynamic registration');

    const user = await op.stores.users.getByUsername('alice');
    assert.equal(textOf(await client.callTool({ name: 'whoami' })), `sub=${user?.id}`);
    const granted = mcp.accepted.at(-1)!;
    assert.equal(granted['aud'], mcp.resource, 'aud is exactly the MCP server');
    assert.equal(granted['client_id'], cimdUrl);
    assert.equal(granted.scope, TOOLS_SCOPE);

    const { again, client: upgraded } = await stepUp(auth, client);
    assert.equal(again.searchParams.get('scope'), `${TOOLS_SCOPE} ${ADMIN_SCOPE}`);
    assert.equal(textOf(await upgraded.callTool({ name: 'admin_stats' })), 'admin stats: 42');
    const stepped = mcp.accepted.at(-1)!;
    assert.equal(stepped['aud'], mcp.resource);
    assert.equal(stepped.scope, `${TOOLS_SCOPE} ${ADMIN_SCOPE}`);

    // M4: the MCP server's token is no key to UserInfo.
    const userinfo = await fetch(`${op.issuer}/userinfo`, {
      headers: { authorization: `Bearer ${mcp.tokens.at(-1)}` },
    });
    assert.equal(userinfo.status, 401);
    assert.match(userinfo.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
    await upgraded.close();
    await client.close();
  });

  test('by dynamic registration (RFC 7591): registers, signs in, calls a tool, steps up', async () => {
    const auth = new InMemoryAgentAuth(redirectUrl, clientMetadata('Registered Agent'));
    const { first, consent, client } = await signInAgent(auth);
    assert.equal(auth.registrations.length, 1);
    const clientId = first.searchParams.get('client_id') ?? '';
    assert.doesNotMatch(clientId, /^https:/);
    const registration = await op.stores.clientRegistrations.get(clientId);
    assert.deepEqual(registration?.client.allowedResources, [mcp.resource], 'resources from the policy');
    assert.match(consent, /Registered Agent/);
    assert.match(consent, new RegExp(mcp.resource.replace(/[.]/g, '\\.')), 'consent names the MCP server');

    assert.match(textOf(await client.callTool({ name: 'whoami' })) ?? '', /^sub=/);
    assert.equal(mcp.accepted.at(-1)!['aud'], mcp.resource);
    assert.equal(mcp.accepted.at(-1)!['client_id'], clientId);

    const { client: upgraded } = await stepUp(auth, client);
    assert.equal(textOf(await upgraded.callTool({ name: 'admin_stats' })), 'admin stats: 42');
    assert.equal(mcp.accepted.at(-1)!.scope, `${TOOLS_SCOPE} ${ADMIN_SCOPE}`);
    await upgraded.close();
    await client.close();
  });

  test('M4: a token Latchkey issued to the same agent for another resource (UserInfo) is refused by the MCP server', async () => {
    const registered = await fetch(`${op.issuer}/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(clientMetadata('Other Resource Agent')),
    });
    const { client_id } = (await registered.json()) as { client_id: string };
    const verifier = randomBytes(32).toString('base64url');
    const authorize = new URL(`${op.issuer}/authorize`);
    authorize.search = new URLSearchParams({
      response_type: 'code',
      client_id,
      redirect_uri: redirectUrl,
      scope: TOOLS_SCOPE,
      state: 's',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
    }).toString();
    const { code } = await authorizeInBrowser(authorize);
    const token = await fetch(`${op.issuer}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: redirectUrl,
        code_verifier: verifier,
        client_id,
      }),
    });
    const { access_token } = (await token.json()) as { access_token: string };
    assert.equal(claimsOf(access_token).aud, `${op.issuer}/userinfo`);
    assert.equal(claimsOf(access_token).scope, TOOLS_SCOPE);
    const refused = await fetch(mcp.resource, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${access_token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    assert.equal(refused.status, 401);
    assert.match(refused.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });
});
