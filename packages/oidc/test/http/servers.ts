// The same small API on each real framework, listening on 127.0.0.1 with an ephemeral port.
//   GET|POST /me   any valid token → 200 { sub, scope } read from the typed claims
//   GET /admin     requires scope `admin`
//   GET /tenant    claims predicate: tenant === 'a'
//   GET /mfa       RFC 9470: acr urn:latchkey:acr:mfa, auth_time at most 300 s old (clock frozen at NOW)
//   GET /down, /slow, /crash   the verifier of that name (provider down, provider silent, unexpected error)
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, request, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type BearerAuthOptions, bearerAuth, type JwtClaims, withBearerAuth } from '@latchkey/oidc';
import { expressBearerAuth } from '@latchkey/oidc/express';
import { fastifyBearerAuth } from '@latchkey/oidc/fastify';
import { honoBearerAuth } from '@latchkey/oidc/hono';
import express from 'express';
import Fastify from 'fastify';
import { type Context, Hono } from 'hono';
import { NOW, type Verifiers } from './fixtures.js';

export const MFA_ACR = 'urn:latchkey:acr:mfa';

export const RESOURCE_METADATA = 'https://api.example.test/.well-known/oauth-protected-resource';

export type AdapterName = 'node' | 'express' | 'fastify' | 'hono';
export const ADAPTERS: readonly AdapterName[] = ['node', 'express', 'fastify', 'hono'];

export interface RunningServer {
  readonly origin: string;
  /** How many times a route handler has run (it must not run when authentication fails). */
  handled(): number;
  close(): Promise<void>;
}

type Options = BearerAuthOptions<JwtClaims>;
type Route = 'me' | 'admin' | 'tenant' | 'mfa' | 'down' | 'slow' | 'crash';
type RouteOptions = Readonly<Record<Route, Options>>;
const ROUTES: readonly Route[] = ['me', 'admin', 'tenant', 'mfa', 'down', 'slow', 'crash'];

function routeOptions(verifiers: Verifiers, extra: Partial<Options>): RouteOptions {
  const base: Options = {
    verifier: verifiers.good,
    realm: 'api',
    resourceMetadata: RESOURCE_METADATA,
    ...extra,
  };
  return {
    me: base,
    admin: { ...base, scopes: ['admin'] },
    tenant: { ...base, claims: (claims) => claims['tenant'] === 'a' },
    mfa: { ...base, requireAcr: [MFA_ACR], maxAge: 300, now: () => NOW * 1000 },
    down: { ...base, verifier: verifiers.down },
    slow: { ...base, verifier: verifiers.slow },
    crash: { ...base, verifier: verifiers.crash },
  };
}

type View = (claims: JwtClaims | undefined) => { sub: string | undefined; scope: string | undefined };

/** `extra` options apply to every route (e.g. `dpop`). */
export async function startServer(
  adapter: AdapterName,
  verifiers: Verifiers,
  extra: Partial<Options> = {},
): Promise<RunningServer> {
  const options = routeOptions(verifiers, extra);
  let handled = 0;
  // What every route handler answers. Reading `sub` and `scope` type-checks only because each adapter
  // types its claims.
  const view: View = (claims) => {
    handled += 1;
    return { sub: claims?.sub, scope: claims?.scope };
  };
  const server = await start(adapter, options, view);
  return { ...server, handled: () => handled };
}

function start(
  adapter: AdapterName,
  options: RouteOptions,
  view: View,
): Promise<Omit<RunningServer, 'handled'>> {
  switch (adapter) {
    case 'node':
      return listening(createServer(nodeHandler(options, view)).listen(0, '127.0.0.1'));
    case 'express':
      return listening(createServer(expressApp(options, view)).listen(0, '127.0.0.1'));
    case 'fastify':
      return startFastify(options, view);
    case 'hono':
      return listening(
        serve({ fetch: honoApp(options, view).fetch, hostname: '127.0.0.1', port: 0 }) as Server,
      );
  }
}

function nodeHandler(options: RouteOptions, view: View) {
  // /me through withBearerAuth, every route (including /me for GET only) through bearerAuth.
  const me = withBearerAuth(options.me, (_req, res, claims) => json(res, view(claims)));
  const others = new Map(ROUTES.map((route) => [`/${route}`, bearerAuth(options[route])]));
  return async (req: import('node:http').IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/me') return me(req, res);
    const auth = others.get(path);
    if (auth === undefined) return void res.writeHead(404).end();
    const claims = await auth(req, res);
    if (claims !== undefined) json(res, view(claims));
  };
}

function json(res: ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

function expressApp(options: RouteOptions, view: View): express.Express {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  // req.auth is typed by the module augmentation of expressBearerAuth.
  const handler = (req: express.Request, res: express.Response) => void res.json(view(req.auth));
  for (const route of ROUTES) app.get(`/${route}`, expressBearerAuth(options[route]), handler);
  app.post('/me', expressBearerAuth(options.me), handler);
  return app;
}

async function startFastify(options: RouteOptions, view: View): Promise<Omit<RunningServer, 'handled'>> {
  const app = Fastify();
  // What @fastify/formbody does, so a form body is parsed before the preHandler runs.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  // request.auth is typed by declaration merging in fastifyBearerAuth.
  for (const route of ROUTES) {
    app.get(`/${route}`, { preHandler: fastifyBearerAuth(options[route]) }, async (request) =>
      view(request.auth),
    );
  }
  app.post('/me', { preHandler: fastifyBearerAuth(options.me) }, async (request) => view(request.auth));
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => app.close() };
}

function honoApp(options: RouteOptions, view: View): Hono {
  const app = new Hono();
  // c.get('auth') is typed through ContextVariableMap.
  const handler = (c: Context) => c.json(view(c.get('auth')));
  for (const route of ROUTES) {
    app.use(`/${route}`, honoBearerAuth(options[route]));
    app.get(`/${route}`, handler);
  }
  app.post('/me', handler);
  return app;
}

async function listening(server: Server): Promise<Omit<RunningServer, 'handled'>> {
  if (!server.listening) await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export interface Sent {
  readonly method?: string;
  readonly path: string;
  /** An array value sends the header once per element (how to send two Authorization headers). */
  readonly headers?: Record<string, string | string[]>;
  readonly body?: string;
}

export interface Received {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

/** One request with node:http (fetch cannot send a header twice). */
export function send(origin: string, sent: Sent): Promise<Received> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}${sent.path}`,
      { method: sent.method ?? 'GET', headers: sent.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(sent.body);
  });
}
