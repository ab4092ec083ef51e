/**
 * An MCP server made with the official SDK (Streamable HTTP, stateless), protected in-process by
 * @latchkey/oidc: RFC 9728 metadata, a 401 naming `mcp:tools`, and a 403 step-up to `mcp:admin` for the
 * one tool that needs it. It records the claims of every token it accepted, so a test can check them.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bearerAuth,
  createProtectedResource,
  type JwtClaims,
  protectedResourceMetadata,
} from '@latchkey/oidc';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { freePort } from '../helpers/free-port.js';

export const TOOLS_SCOPE = 'mcp:tools';
export const ADMIN_SCOPE = 'mcp:admin';

export interface RunningMcpServer {
  /** The resource identifier: `http://127.0.0.1:<port>/mcp`, the URL the client connects to. */
  readonly resource: string;
  /** The claims of every access token the server accepted, in order. */
  readonly accepted: JwtClaims[];
  /** The raw tokens it accepted (to present them elsewhere, as a test of M4). */
  readonly tokens: string[];
  close(): Promise<void>;
}

/**
 * `issuer`: protected in-process by @latchkey/oidc, trusting that authorization server. Without one the
 * server checks nothing itself: it is the upstream of `latchkey gateway`, which does the checking and
 * names the user in `X-Auth-Request-User`.
 */
export async function startMcpServer(issuer?: string): Promise<RunningMcpServer> {
  const port = await freePort();
  const resource = `http://127.0.0.1:${port}/mcp`;
  const mcp =
    issuer === undefined
      ? undefined
      : createProtectedResource({
          resource,
          authorizationServers: [issuer],
          scopesSupported: [TOOLS_SCOPE, ADMIN_SCOPE],
          resourceName: 'Latchkey test MCP server',
        });
  const metadata = mcp === undefined ? () => false : protectedResourceMetadata(mcp);
  const tools = mcp === undefined ? undefined : bearerAuth(mcp.bearer([TOOLS_SCOPE]));
  // RFC 6750 §3: the step-up challenge names every scope the call needs, so nothing is lost.
  const admin = mcp === undefined ? undefined : bearerAuth(mcp.bearer([TOOLS_SCOPE, ADMIN_SCOPE]));
  const accepted: JwtClaims[] = [];
  const tokens: string[] = [];

  const server: Server = createServer(async (req, res) => {
    try {
      if (metadata(req, res)) return;
      if (new URL(req.url ?? '/', 'http://x').pathname !== '/mcp') return void res.writeHead(404).end();
      const body = req.method === 'POST' ? JSON.parse(await readBody(req)) : undefined;
      const needsAdmin = body?.method === 'tools/call' && body?.params?.name === 'admin_stats';
      const check = needsAdmin ? admin : tools;
      if (check !== undefined) {
        const claims = await check(req, res);
        if (claims === undefined) return;
        accepted.push(claims);
        const token = String(req.headers.authorization).slice('Bearer '.length);
        tokens.push(token);
        // The SDK hands `req.auth` to tool handlers as `extra.authInfo`.
        (req as IncomingMessage & { auth?: unknown }).auth = {
          token,
          clientId: String(claims['client_id']),
          scopes: String(claims.scope ?? '').split(' '),
          extra: { sub: claims.sub },
        };
      } else {
        (req as IncomingMessage & { auth?: unknown }).auth = {
          token: '',
          clientId: '',
          scopes: [],
          extra: { sub: req.headers['x-auth-request-user'] },
        };
      }
      const mcpServer = new McpServer({ name: 'latchkey-test', version: '1.0.0' });
      mcpServer.registerTool('whoami', { description: 'Who the token is about' }, async (extra) => ({
        content: [{ type: 'text', text: `sub=${String(extra.authInfo?.extra?.['sub'])}` }],
      }));
      mcpServer.registerTool('admin_stats', { description: 'Needs mcp:admin' }, async () => ({
        content: [{ type: 'text', text: 'admin stats: 42' }],
      }));
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      });
      res.on('close', () => {
        void transport.close();
        void mcpServer.close();
      });
      await mcpServer.connect(transport);
      await transport.handleRequest(req, res, body);
    } catch (error) {
      if (!res.headersSent) res.writeHead(500).end(String(error));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  if ((server.address() as AddressInfo).port !== port) throw new Error('MCP server port changed');
  return {
    resource,
    accepted,
    tokens,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > 1_000_000) throw new Error('body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
