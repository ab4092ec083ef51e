import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../lib/clock.js';
import type { RequestRateLimiter } from '../limits/request-rate.js';
import { ADMIN_READ_SCOPE, ADMIN_SCOPE } from '../scopes/index.js';
import { type AdminAuthorizationDeps, authorizeAdmin } from './authorize.js';
import type { AdminApiContext } from './context.js';
import { answerAdminError } from './errors.js';
import { createKeyedLock } from './keyed-lock.js';
import { ProblemError } from './problem.js';
import { clientRoutes } from './routes/clients.js';
import { groupRoutes } from './routes/groups.js';
import { keyAndAuditRoutes } from './routes/keys-audit.js';
import { problemSchema, type TypedApp } from './routes/responses.js';
import { sessionRoutes } from './routes/sessions.js';
import { settingRoutes } from './routes/settings.js';
import { userRoutes } from './routes/users.js';
import { NoQuery } from './schemas.js';
import { typeboxValidatorCompiler } from './validator.js';

export interface AdminApiPluginDeps {
  readonly issuer: string;
  readonly context: Omit<AdminApiContext, 'callers' | 'lock'>;
  readonly authorization: AdminAuthorizationDeps;
  /** Requests per minute per token subject (checklist L3: counted in the database, shared by a cluster). */
  readonly limiter: RequestRateLimiter;
  readonly clock: Clock;
  /** The provider's one error path, for what is not the client's fault (outages, bugs). */
  readonly fallback: (request: FastifyRequest, reply: FastifyReply, error: unknown) => unknown;
}

/** The path of the OpenAPI document, relative to the API's prefix; public, like discovery. */
export const OPENAPI_PATH = '/openapi.json';

/**
 * The admin API as one encapsulated Fastify plugin: its own validator (TypeBox), its own problem+json
 * errors, its own authorization hook; nothing here leaks into the provider's other routes.
 */
export async function adminApiPlugin(scope: FastifyInstance, deps: AdminApiPluginDeps): Promise<void> {
  const app = scope as unknown as TypedApp;
  app.setValidatorCompiler(typeboxValidatorCompiler);
  // Response schemas document the answers; they are sent with JSON.stringify (no fast-json-stringify,
  // which would load ajv: the reason the provider disables schema compilers).
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.setErrorHandler((error, request, reply) => answerAdminError(error, request, reply, deps.fallback));
  app.setNotFoundHandler((request, reply) =>
    answerAdminError(
      new ProblemError({
        status: 404,
        title: 'Not Found',
        detail: 'No such admin API route',
        code: 'ERR_NOT_FOUND',
      }),
      request,
      reply,
      deps.fallback,
    ),
  );

  const context: AdminApiContext = { ...deps.context, callers: new WeakMap(), lock: createKeyedLock() };
  app.addHook('onRequest', async (request) => {
    if (request.routeOptions.url?.endsWith(OPENAPI_PATH)) return;
    const caller = await authorizeAdmin(deps.authorization, request);
    const wait = await deps.limiter.take(caller.subject, deps.clock());
    if (wait > 0) {
      throw new ProblemError(
        {
          status: 429,
          title: 'Too Many Requests',
          detail: `Too many admin API requests; retry in ${wait}s`,
          code: 'ERR_RATE_LIMITED',
        },
        { 'retry-after': String(wait) },
      );
    }
    context.callers.set(request, caller);
  });
  // Admin answers hold personal data and registrations: never stored by a cache (RFC 9111 §5.2.2.5).
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('cache-control', 'no-store');
    return payload;
  });

  // Every route's query is a closed shape: one that declares none takes none (added before swagger's
  // own onRoute hook, so the document and the validator agree).
  app.addHook('onRoute', (route) => {
    if (route.schema !== undefined && route.schema.querystring === undefined) {
      route.schema = { ...route.schema, querystring: NoQuery };
    }
  });
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Latchkey admin API',
        version: '1',
        description:
          `Bearer access tokens of this provider for the resource ${deps.authorization.audience}, with scope ` +
          `${ADMIN_SCOPE} (or ${ADMIN_READ_SCOPE} for reads). Errors are RFC 9457 problem documents.`,
      },
      servers: [{ url: new URL(deps.issuer).origin }],
      components: {
        securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      },
      security: [{ bearer: [] }],
    },
    // Shared schemas keep their $id as their component name (#/components/schemas/Problem).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json['$id'] ?? `def-${i}`) },
  });
  app.addSchema(problemSchema);
  clientRoutes(app, context);
  userRoutes(app, context);
  groupRoutes(app, context);
  sessionRoutes(app, context);
  keyAndAuditRoutes(app, context);
  settingRoutes(app, context);
  app.get(OPENAPI_PATH, { schema: { hide: true } }, async () => app.swagger());
}
