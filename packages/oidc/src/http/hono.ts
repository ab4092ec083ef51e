/**
 * The Bearer middleware for Hono 4 (types only: hono is an optional peer dependency).
 *
 * ```ts
 * app.use('/api/*', honoBearerAuth({ verifier, scopes: ['read'] }));
 * app.get('/api/me', (c) => c.json({ sub: c.get('auth').sub }));
 * ```
 * Duplicate `Authorization` headers: on @hono/node-server the raw Node headers are read, so each one is
 * seen; on other runtimes the Fetch `Headers` joins them with ", ", which the Bearer grammar refuses.
 * Hono parses bodies lazily and this middleware never reads one (no unbounded read before
 * authentication), so a form-body token is simply not a credential here.
 */
import type { MiddlewareHandler } from 'hono';
import type { JwtClaims } from '../jwt/claims.js';
import { createBearerAuthenticator } from './authenticate.js';
import { headerValues } from './bearer.js';
import type { BearerAuthOptions } from './options.js';
import type { ProtectedResource } from './protected-resource.js';

declare module 'hono' {
  interface ContextVariableMap {
    /** The verified access-token claims, set by `honoBearerAuth`. */
    auth: JwtClaims;
  }
}

/** Sets `c.get('auth')` to the verified claims, or answers the failure itself. */
export function honoBearerAuth<C extends JwtClaims>(options: BearerAuthOptions<C>): MiddlewareHandler {
  const authenticate = createBearerAuthenticator(options);
  return async (c, next) => {
    const result = await authenticate({
      authorization: headersNamed(c.env, c.req.raw.headers, 'authorization'),
      url: c.req.url,
      method: c.req.method,
      dpopProofs: headersNamed(c.env, c.req.raw.headers, 'dpop'),
    });
    if (!result.ok) return c.body(JSON.stringify(result.body), result.status, result.headers);
    c.set('auth', result.claims);
    await next();
  };
}

function headersNamed(env: unknown, headers: Headers, name: string): string[] {
  // @hono/node-server's bindings: env.incoming is the IncomingMessage.
  const incoming = (env as { incoming?: { rawHeaders?: unknown } } | undefined)?.incoming;
  if (Array.isArray(incoming?.rawHeaders)) return headerValues(incoming.rawHeaders, name);
  const value = headers.get(name);
  return value === null ? [] : [value];
}

/**
 * Serves the resource's RFC 9728 metadata at its well-known path; every other request goes on.
 * `app.use(honoProtectedResource(mcp)); app.use('/mcp', honoBearerAuth(mcp.bearer(['mcp:tools'])))`
 */
export function honoProtectedResource(resource: ProtectedResource): MiddlewareHandler {
  return async (c, next) => {
    const response = resource.metadataResponse(c.req.method, new URL(c.req.url).pathname);
    if (response === undefined) return next();
    if (c.req.method === 'HEAD') return c.body(null, response.status, response.headers);
    return c.body(response.body, response.status, response.headers);
  };
}
