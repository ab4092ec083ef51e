// The same small API on each real framework, listening on 127.0.0.1 with an ephemeral port.
//   GET|POST /me   any valid token → 200 { sub, scope } read from the typed claims
//   GET /admin     requires scope `admin`
//   GET /tenant    claims predicate: tenant === 'a'
import { once } from 'node:events';
import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import {
  type BearerAuthOptions,
  bearerAuth,
  expressBearerAuth,
  fastifyBearerAuth,
  honoBearerAuth,
  type JwtClaims,
  type TokenVerifier,
  withBearerAuth,
} from '@latchkey/oidc';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';

export const RESOURCE_METADATA = 'https://api.example.test/.well-known/oauth-protected-resource';

export type AdapterName = 'node' | 'express' | 'fastify' | 'hono';
export const ADAPTERS: readonly AdapterName[] = ['node', 'express', 'fastify', 'hono'];

export interface RunningServer {
  readonly origin: string;
  close(): Promise<void>;
}

type Options = BearerAuthOptions<JwtClaims>;

function routeOptions(verifier: TokenVerifier<JwtClaims>) {
  const base: Options = { verifier, realm: 'api', resourceMetadata: RESOURCE_METADATA };
  return {
    me: base,
    admin: { ...base, scopes: ['admin'] } satisfies Options,
    tenant: { ...base, claims: (claims: JwtClaims) => claims['tenant'] === 'a' } satisfies Options,
  };
}

function view(claims: JwtClaims | undefined): { sub: string | undefined; scope: string | undefined } {
  return { sub: claims?.sub, scope: claims?.scope };
}

export async function startServer(
  adapter: AdapterName,
  verifier: TokenVerifier<JwtClaims>,
): Promise<RunningServer> {
  const options = routeOptions(verifier);
  switch (adapter) {
    case 'node':
      return listenNode(nodeApp(options));
    case 'express':
      return listenNode(expressApp(options));
    case 'fastify':
      return startFastify(options);
    case 'hono':
      return startHono(options);
  }
}

function nodeApp(options: ReturnType<typeof routeOptions>): Server {
  const me = withBearerAuth(options.me, (_req, res, claims) => json(res, view(claims)));
  const admin = bearerAuth(options.admin);
  const tenant = bearerAuth(options.tenant);
  return createServer(async (req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/me') return me(req, res);
    const auth = path === '/admin' ? admin : path === '/tenant' ? tenant : undefined;
    if (auth === undefined) return void res.writeHead(404).end();
    const claims = await auth(req, res);
    if (claims !== undefined) json(res, view(claims));
  });
}

function json(res: import('node:http').ServerResponse, value: unknown): void {
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));
}

function expressApp(options: ReturnType<typeof routeOptions>): Server {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  // req.auth is typed by the module augmentation of expressBearerAuth.
  const handler = (req: express.Request, res: express.Response) => void res.json(view(req.auth));
  app.get('/me', expressBearerAuth(options.me), handler);
  app.post('/me', expressBearerAuth(options.me), handler);
  app.get('/admin', expressBearerAuth(options.admin), handler);
  app.get('/tenant', expressBearerAuth(options.tenant), handler);
  return createServer(app);
}

async function startFastify(options: ReturnType<typeof routeOptions>): Promise<RunningServer> {
  const app = Fastify();
  // What @fastify/formbody does, so a form body is parsed before the preHandler runs.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  const me = fastifyBearerAuth(options.me);
  // request.auth is typed by declaration merging in fastifyBearerAuth.
  app.get('/me', { preHandler: me }, async (request) => view(request.auth));
  app.post('/me', { preHandler: me }, async (request) => view(request.auth));
  app.get('/admin', { preHandler: fastifyBearerAuth(options.admin) }, async (request) => view(request.auth));
  app.get('/tenant', { preHandler: fastifyBearerAuth(options.tenant) }, async (request) =>
    view(request.auth),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, close: () => app.close() };
}

async function startHono(options: ReturnType<typeof routeOptions>): Promise<RunningServer> {
  const app = new Hono();
  app.use('/me', honoBearerAuth(options.me));
  app.use('/admin', honoBearerAuth(options.admin));
  app.use('/tenant', honoBearerAuth(options.tenant));
  // c.get('auth') is typed through ContextVariableMap.
  const handler = (c: import('hono').Context) => c.json(view(c.get('auth')));
  app.get('/me', handler);
  app.post('/me', handler);
  app.get('/admin', handler);
  app.get('/tenant', handler);
  const server = serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as Server;
  return listening(server);
}

async function listenNode(server: Server): Promise<RunningServer> {
  server.listen(0, '127.0.0.1');
  return listening(server);
}

async function listening(server: Server): Promise<RunningServer> {
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
