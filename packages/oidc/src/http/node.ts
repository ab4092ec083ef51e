/**
 * The Bearer middleware for plain node:http servers.
 *
 * ```ts
 * const auth = bearerAuth({ verifier, scopes: ['read'] });
 * http.createServer(async (req, res) => {
 *   const claims = await auth(req, res);
 *   if (claims === undefined) return; // the 400/401/403/500/503 has been sent
 *   …
 * });
 * ```
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createBearerAuthenticator } from './authenticate.js';
import { bearerRequestFromNode, writeFailure } from './node-request.js';
import type { BearerAuthOptions } from './options.js';
import type { ProtectedResource } from './protected-resource.js';

/** Checks the request's token: resolves to its claims, or answers the failure itself and resolves to undefined. */
export type NodeBearerAuth<C> = (req: IncomingMessage, res: ServerResponse) => Promise<C | undefined>;

/** Options are checked now (TypeError naming the option), before any request. */
export function bearerAuth<C>(options: BearerAuthOptions<C>): NodeBearerAuth<C> {
  const authenticate = createBearerAuthenticator(options);
  return async (req, res) => {
    const result = await authenticate(bearerRequestFromNode(req));
    if (result.ok) return result.claims;
    writeFailure(res, result);
    return undefined;
  };
}

/**
 * Wraps a request handler so it runs only with a verified token, and receives its claims. The returned
 * promise rejects if `handler` does: handling that is the caller's, as for any async handler.
 */
export function withBearerAuth<C>(
  options: BearerAuthOptions<C>,
  handler: (req: IncomingMessage, res: ServerResponse, claims: C) => unknown,
): (req: IncomingMessage, res: ServerResponse) => Promise<void> {
  if (typeof handler !== 'function') throw new TypeError('handler must be a function (req, res, claims)');
  const auth = bearerAuth(options);
  return async (req, res) => {
    const claims = await auth(req, res);
    if (claims !== undefined) await handler(req, res, claims);
  };
}

/**
 * Serves a protected resource's RFC 9728 metadata: answers and resolves true for a request of it,
 * false (nothing sent) for any other request.
 *
 * ```ts
 * const mcp = createProtectedResource({ resource: 'https://mcp.example.com/mcp', authorizationServers: [issuer] });
 * const metadata = protectedResourceMetadata(mcp);
 * const tools = bearerAuth(mcp.bearer(['mcp:tools']));
 * http.createServer(async (req, res) => {
 *   if (metadata(req, res)) return;
 *   const claims = await tools(req, res);
 *   …
 * });
 * ```
 */
export function protectedResourceMetadata(
  resource: ProtectedResource,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  return (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const response = resource.metadataResponse(req.method ?? 'GET', path);
    if (response === undefined) return false;
    res.writeHead(response.status, response.headers).end(req.method === 'HEAD' ? undefined : response.body);
    return true;
  };
}
