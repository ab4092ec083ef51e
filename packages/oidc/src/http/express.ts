/**
 * The Bearer middleware for Express 5 (types only: express is an optional peer dependency).
 *
 * ```ts
 * app.use('/api', expressBearerAuth({ verifier, scopes: ['read'] }));
 * app.get('/api/me', (req, res) => res.json({ sub: req.auth?.sub }));
 * ```
 * A form-body token is seen (and refused, see bearer.ts) only if a urlencoded parser ran before.
 */
import type { RequestHandler } from 'express';
import type { JwtClaims } from '../jwt/claims.js';
import { createBearerAuthenticator } from './authenticate.js';
import { bearerRequestFromNode, writeFailure } from './node-request.js';
import type { BearerAuthOptions } from './options.js';
import type { ProtectedResource } from './protected-resource.js';

declare module 'express-serve-static-core' {
  interface Request {
    /** The verified access-token claims, set by `expressBearerAuth`. */
    auth?: JwtClaims;
  }
}

/** Sets `req.auth` to the verified claims and calls `next()`, or answers the failure itself. */
export function expressBearerAuth<C extends JwtClaims>(options: BearerAuthOptions<C>): RequestHandler {
  const authenticate = createBearerAuthenticator(options);
  return (req, res, next) => {
    authenticate(bearerRequestFromNode(req, req.originalUrl, req.body)).then((result) => {
      if (!result.ok) return writeFailure(res, result);
      req.auth = result.claims;
      next();
    }, next);
  };
}

/**
 * Serves the resource's RFC 9728 metadata at its well-known path; every other request goes on.
 * `app.use(expressProtectedResource(mcp)); app.post('/mcp', expressBearerAuth(mcp.bearer(['mcp:tools'])), …)`
 */
export function expressProtectedResource(resource: ProtectedResource): RequestHandler {
  return (req, res, next) => {
    const response = resource.metadataResponse(
      req.method,
      new URL(req.originalUrl, 'http://localhost').pathname,
    );
    if (response === undefined) return next();
    res
      .status(response.status)
      .set(response.headers)
      .send(req.method === 'HEAD' ? undefined : response.body);
  };
}
