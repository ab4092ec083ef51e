import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../lib/clock.js';
import { loadOnce } from '../lib/load-once.js';
import type { RequestRateLimiter } from '../limits/request-rate.js';
import { type AdminAuthorizationDeps, authorizeAdmin } from './authorize.js';
import type { AdminApiContext } from './context.js';
import { answerAdminError } from './errors.js';
import { createKeyedLock } from './keyed-lock.js';
import type { DocumentedRoute } from './openapi.js';
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

  // Every route's query is a closed shape: one that declares none takes none (added before the hook
  // that records routes for the document, so the document and the validator agree).
  app.addHook('onRoute', (route) => {
    if (route.schema !== undefined && route.schema.querystring === undefined) {
      route.schema = { ...route.schema, querystring: NoQuery };
    }
  });
  // The document is generated on its first request (openapi.ts), from the routes recorded here; HEAD
  // routes are Fastify's automatic twins of the GETs, which the generator makes again and leaves out.
  const documented: DocumentedRoute[] = [];
  app.addHook('onRoute', (route) => {
    if (route.method !== 'HEAD')
      documented.push({ method: route.method, url: route.url, schema: route.schema });
  });
  app.addSchema(problemSchema);
  clientRoutes(app, context);
  userRoutes(app, context);
  groupRoutes(app, context);
  sessionRoutes(app, context);
  keyAndAuditRoutes(app, context);
  settingRoutes(app, context);
  const document = loadOnce(async () =>
    (await import('./openapi.js')).openApiDocument(documented, {
      issuer: deps.issuer,
      audience: deps.authorization.audience,
      sharedSchemas: [problemSchema],
    }),
  );
  app.get(OPENAPI_PATH, { schema: { hide: true } }, () => document());
}
