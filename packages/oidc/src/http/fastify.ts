/**
 * The Bearer hook for Fastify 5 (types only: fastify is an optional peer dependency).
 *
 * ```ts
 * const auth = fastifyBearerAuth({ verifier, scopes: ['read'] });
 * app.get('/me', { preHandler: auth }, async (request) => ({ sub: request.auth?.sub }));
 * // or for every route of a plugin: app.addHook('preHandler', auth)
 * ```
 * Use it as a `preHandler` (after body parsing) so a form-body token is seen and refused (bearer.ts);
 * as an `onRequest` hook it works the same but cannot see the body.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { JwtClaims } from '../jwt/claims.js';
import { createBearerAuthenticator } from './authenticate.js';
import { bearerRequestFromNode } from './node-request.js';
import type { BearerAuthOptions } from './options.js';
import type { ProtectedResource } from './protected-resource.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The verified access-token claims, set by `fastifyBearerAuth`. */
    auth?: JwtClaims;
  }
}

/** A hook that sets `request.auth`, or sends the failure (so the route handler never runs). */
export type FastifyBearerAuth = (request: FastifyRequest, reply: FastifyReply) => Promise<void>;

export function fastifyBearerAuth<C extends JwtClaims>(options: BearerAuthOptions<C>): FastifyBearerAuth {
  const authenticate = createBearerAuthenticator(options);
  return async (request, reply) => {
    const result = await authenticate(bearerRequestFromNode(request.raw, request.url, request.body));
    if (result.ok) {
      request.auth = result.claims;
      return;
    }
    // Sent through the reply, so the app's onSend/onResponse hooks still see it. Sending before the
    // hook's promise resolves stops the chain: the route handler never runs.
    reply.code(result.status).headers(result.headers).send(JSON.stringify(result.body));
  };
}

/**
 * Adds the GET route of the resource's RFC 9728 metadata to `app`.
 * `fastifyProtectedResource(app, mcp); app.post('/mcp', { preHandler: fastifyBearerAuth(mcp.bearer(['mcp:tools'])) }, …)`
 */
export function fastifyProtectedResource(app: FastifyInstance, resource: ProtectedResource): void {
  app.get(resource.metadataPath, async (_request, reply) => {
    const response = resource.metadataResponse('GET', resource.metadataPath)!;
    return reply.code(response.status).headers(response.headers).send(response.body);
  });
}
