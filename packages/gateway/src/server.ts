import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { createOidcClient, type OidcClient } from '@latchkey/oidc';
import { type Database, openDatabase, runMigrations } from '@latchkey/store';
import { BearerChecks } from './auth/bearer.js';
import { createDecider, type Outcome } from './auth/decide.js';
import type { Identity } from './auth/identity.js';
import { BrowserFlows } from './auth/login.js';
import {
  metadataUrlOf,
  resourceMetadata,
  routeForMetadata,
  WELL_KNOWN_RESOURCE,
} from './auth/resource-metadata.js';
import { startQuery, stepUpFromQuery } from './auth/step-up.js';
import type { GatewayConfig, RouteConfig } from './config/types.js';
import { createForwardAuth } from './forward-auth/handler.js';
import { nodeHttp } from './lib/node-http.js';
import { limitConnectionsPerAddress } from './policy/connection-limit.js';
import { type NormalizedPath, normalizePath } from './policy/normalize-path.js';
import { hostOf, RouteTable } from './policy/routes.js';
import { cookiesToStrip } from './proxy/cookies-to-strip.js';
import { UpstreamProxy } from './proxy/forward.js';
import { UpstreamHeaders } from './proxy/headers.js';
import { redirect, sendJson, sendPage } from './proxy/pages.js';
import { UpstreamJwtSigner } from './proxy/upstream-jwt.js';
import { CookieSessions } from './session/cookie-sessions.js';
import { KyselySessionStore } from './session/kysely-store.js';
import { SessionManager, type Sessions } from './session/manager.js';
import { GATEWAY_MIGRATIONS } from './session/migrations.js';
import type { SessionStore } from './session/store.js';

export interface GatewayDeps {
  /** For discovery, JWKS and token requests to the providers. */
  readonly fetch?: typeof fetch;
  /** The clock, epoch milliseconds. */
  readonly now?: () => number;
  /** A store to use instead of opening `config.databaseUrl`. */
  readonly store?: SessionStore;
}

export interface Gateway {
  readonly server: Server;
  /** `http://host:port` it listens on. */
  readonly url: string;
  close(): Promise<void>;
}

const PURGE_INTERVAL_MS = 10 * 60 * 1000;

/** Opens the store (migrating it), builds the gateway and listens on `config.listen`. */
export async function startGateway(config: GatewayConfig, deps: GatewayDeps = {}): Promise<Gateway> {
  let database: Database | undefined;
  let store = deps.store;
  if (store === undefined) {
    database = await openDatabase(config.databaseUrl);
    await runMigrations(database, GATEWAY_MIGRATIONS);
    store = new KyselySessionStore(database);
  }
  const { handle, upgrade, proxy, purge, isTrustedProxy } = createGatewayHandlers(config, { ...deps, store });
  const { limits } = config;
  // Checklist L2: node:http's own bounds on header and request time, idle keep-alive and header size,
  // checked every second (its default, 30 s, would let a slow client keep a connection that long).
  const server = nodeHttp.createServer(
    {
      headersTimeout: limits.headersTimeout * 1000,
      requestTimeout: limits.requestTimeout * 1000,
      keepAliveTimeout: limits.keepAliveTimeout * 1000,
      maxHeaderSize: limits.maxHeaderSize,
      connectionsCheckingInterval: Math.min(1000, limits.headersTimeout * 1000),
    },
    handle,
  );
  limitConnectionsPerAddress(server, limits.connectionsPerAddress, isTrustedProxy);
  // Upgrade sockets leave the HTTP server's connection list but still hold server.close() open.
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    void upgrade(req, socket, head);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.listen.port, config.listen.host, () => resolve());
  });
  const timer = setInterval(() => void purge().catch(() => {}), PURGE_INTERVAL_MS);
  timer.unref();
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    server,
    url: `http://${host}:${address.port}`,
    async close() {
      clearInterval(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      for (const socket of upgraded) socket.destroy();
      await proxy.close();
      await closed;
      await database?.close();
    },
  };
}

/** The request and upgrade handlers, for embedding the gateway in another node:http server. */
export function createGatewayHandlers(config: GatewayConfig, deps: GatewayDeps & { store: SessionStore }) {
  const now = deps.now ?? Date.now;
  const fetchOption = deps.fetch === undefined ? {} : { fetch: deps.fetch };
  const clients = new Map<string, OidcClient>(
    config.providers.map((p) => [
      p.id,
      createOidcClient({
        issuer: p.issuer,
        clientId: p.clientId,
        ...(p.clientSecret === undefined ? {} : { clientSecret: p.clientSecret }),
        redirectUri: `${config.publicUrl.origin}${config.endpointPrefix}/callback`,
        scopes: p.scopes,
        now,
        ...fetchOption,
      }),
    ]),
  );
  const sessions: Sessions =
    config.sessionStore === 'cookie'
      ? new CookieSessions({ maxAge: config.cookie.maxAge, keepAccessToken: config.forwardAccessToken, now })
      : new SessionManager({
          store: deps.store,
          secret: config.cookie.secret,
          maxAge: config.cookie.maxAge,
          refreshBefore: config.refreshBefore,
          now,
          clientFor: (id) => clients.get(id),
        });
  const flows = new BrowserFlows({
    config,
    store: deps.store,
    sessions,
    clients,
    now,
    fetch: deps.fetch ?? globalThis.fetch,
  });
  // DPoP proofs are remembered in the database every gateway of a cluster shares (RFC 9449 §11.1).
  const store = deps.store;
  const bearer = new BearerChecks(config.providers, {
    fetch: deps.fetch,
    now,
    replayCache: { remember: (key, expiresAt, at) => store.rememberProof(key, expiresAt, at) },
  });
  const routes = new RouteTable(config.routes);
  const decider = createDecider({
    config,
    bearer,
    sessions,
    flows,
    metadataUrl: metadataUrlOf,
    now: () => now() / 1000,
  });
  const forwardAuth = createForwardAuth({ config, routes, decider });
  const proxy = new UpstreamProxy(config.upstreams, config.limits.maxBodySize);
  const prefix = config.endpointPrefix;
  const ownCookies = [...flows.sessionCookieNames, flows.loginCookie];
  const proto = config.publicUrl.protocol === 'https:' ? 'https' : 'http';
  // Upstreams that get a signed JWT of the caller, by id, with its audience.
  const jwtAudiences = new Map(
    config.upstreams.filter((u) => u.token === 'jwt').map((u) => [u.id, u.audience] as const),
  );
  const signer =
    jwtAudiences.size === 0
      ? undefined
      : new UpstreamJwtSigner({
          issuer: config.publicUrl.origin,
          lifetime: config.upstreamJwt.lifetime,
          key: config.upstreamJwt.key,
          now,
        });

  const headers = new UpstreamHeaders({
    proto,
    names: config.identityHeaders,
    forwardAccessToken: config.forwardAccessToken,
    strippedCookies: cookiesToStrip(config, ownCookies),
  });

  /** A peer address (IPv4-mapped IPv6 read as IPv4) is a configured proxy (checklist G1). */
  const isTrustedProxy = (raw: string) => {
    const address = raw.startsWith('::ffff:') ? raw.slice(7) : raw;
    return address !== '' && config.trustedProxies.check(address, address.includes(':') ? 'ipv6' : 'ipv4');
  };

  // The peer and whether it is a trusted proxy, worked out once per connection.
  const peers = new WeakMap<Socket, { readonly peer: string; readonly trusted: boolean }>();
  const peerOf = (req: IncomingMessage) => {
    const socket = req.socket;
    let known = peers.get(socket);
    if (known === undefined) {
      const raw = socket.remoteAddress ?? '';
      const peer = raw.startsWith('::ffff:') ? raw.slice(7) : raw;
      const trusted = isTrustedProxy(peer);
      known = { peer, trusted };
      // No remote address (a destroyed socket): decide again next time rather than remember it.
      if (raw !== '') peers.set(socket, known);
    }
    return known;
  };

  /**
   * The upstream headers, with the signed JWT added when the upstream asks for one. Synchronous except
   * before the signing key is ready, so upstreams without a JWT pay no extra await.
   */
  const upstreamHeaders = (
    req: IncomingMessage,
    upstream: string,
    identity: Identity | undefined,
    upgrade: boolean,
  ): string[] | Promise<string[]> => {
    const { peer, trusted } = peerOf(req);
    const list = headers.build(req, peer, trusted, identity, upgrade);
    const audience = jwtAudiences.get(upstream);
    if (audience === undefined || identity === undefined) return list;
    const token = signer!.tokenFor(identity, audience);
    if (typeof token === 'string') {
      list.push(config.identityHeaders.jwt, token);
      return list;
    }
    return token.then((signed) => {
      list.push(config.identityHeaders.jwt, signed);
      return list;
    });
  };

  type OwnEndpoint = (req: IncomingMessage, res: ServerResponse, query: string) => Promise<void>;
  /** The gateway's own endpoints, by exact (normalized, case-sensitive) path. */
  const ownEndpoints = new Map<string, OwnEndpoint>([
    [`${prefix}/callback`, (req, res, query) => flows.callback(req, res, query)],
    [
      `${prefix}/start`,
      async (_req, res, query) => {
        const params = new URLSearchParams(query.slice(1));
        const provider = params.get('provider') ?? config.providers[0]!.id;
        if (!config.providers.some((p) => p.id === provider))
          sendPage(res, 400, 'Bad Request', 'Unknown provider.');
        else await flows.start(res, provider, params.get('rd'), stepUpFromQuery(params));
      },
    ],
    [`${prefix}/logout`, (req, res, query) => flows.logout(req, res, query)],
    [`${prefix}/backchannel-logout`, (req, res) => flows.backchannelLogout(req, res)],
    ['/_auth', (req, res) => forwardAuth(req, res, peerOf(req).trusted)],
  ]);
  if (signer !== undefined) {
    ownEndpoints.set(`${prefix}/jwks`, async (_req, res) =>
      sendJson(res, 200, await signer.jwks(), { 'cache-control': 'public, max-age=300' }),
    );
  }

  /** RFC 9728 metadata for the route it names; false when it names none (then routing decides). */
  const serveMetadata = (req: IncomingMessage, res: ServerResponse, path: string): boolean => {
    const route = routeForMetadata(routes.routes, hostOf(req.headers.host) ?? '', path);
    if (route === undefined) return false;
    sendJson(res, 200, resourceMetadata(route, config.providers), { 'cache-control': 'public, max-age=300' });
    return true;
  };

  /** Route lookup shared by requests and upgrades; a string is the refusal to send instead. */
  const locate = (
    req: IncomingMessage,
    normalized: NormalizedPath,
  ):
    | { route: RouteConfig; candidates: readonly RouteConfig[]; normalized: NormalizedPath & { ok: true } }
    | string => {
    if (!normalized.ok) return `400 ${normalized.problem}`;
    const host = hostOf(req.headers.host);
    if (host === undefined) return '400 the Host header is missing or malformed';
    const candidates = routes.candidates(host, normalized);
    const route = candidates?.[0];
    if (route === undefined || route.upstream === undefined) return '404 no route';
    return { route, candidates: candidates!, normalized };
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      const url = req.url ?? '/';
      const normalized = normalizePath(url, config.caseSensitivePaths);
      if (normalized.ok) {
        const own = ownEndpoints.get(normalized.path);
        if (own !== undefined) return await own(req, res, normalized.query);
        if (normalized.path.startsWith(WELL_KNOWN_RESOURCE) && serveMetadata(req, res, normalized.path))
          return;
      }
      const located = locate(req, normalized);
      if (typeof located === 'string') {
        const status = Number(located.slice(0, 3));
        return sendPage(res, status, status === 404 ? 'Not Found' : 'Bad Request', located.slice(4));
      }
      const { route } = located;
      const outcome = await decider.decideAll(req, located.candidates, req.method ?? 'GET', url);
      if (outcome.kind !== 'allow') return answer(res, outcome, url);
      const list = upstreamHeaders(req, route.upstream!, outcome.identity, false);
      // A page shown to a signed-in user must not come back from a cache after logout, or to another
      // user of a shared cache: unless every route it matched opts out (`cache: upstream`).
      const noStore = outcome.viaSession === true && located.candidates.some((r) => r.cache === 'no-store');
      proxy.forward(
        req,
        res,
        route.upstream!,
        located.normalized.path + located.normalized.query,
        Array.isArray(list) ? list : await list,
        noStore,
      );
    } catch {
      sendPage(res, 500, 'Internal Server Error', 'The gateway could not handle this request.');
    }
  }

  function answer(res: ServerResponse, outcome: Exclude<Outcome, { kind: 'allow' }>, url: string): void {
    switch (outcome.kind) {
      case 'bearer':
        sendJson(res, outcome.failure.status, outcome.failure.body, outcome.failure.headers);
        return;
      case 'forbidden':
        sendPage(res, 403, 'Forbidden', 'You are signed in, but not allowed to see this page.');
        return;
      case 'login':
        redirect(res, `${prefix}/start?${startQuery(outcome, url)}`);
        return;
    }
  }

  async function upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    socket.on('error', () => socket.destroy());
    try {
      const located = locate(req, normalizePath(req.url ?? '', config.caseSensitivePaths));
      if (typeof located === 'string') {
        socket.end(
          `HTTP/1.1 ${located.slice(0, 3)} Refused\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`,
        );
        return;
      }
      const outcome = await decider.decideAll(req, located.candidates, req.method ?? 'GET', req.url ?? '/');
      if (outcome.kind !== 'allow') {
        const status =
          outcome.kind === 'bearer' ? outcome.failure.status : outcome.kind === 'forbidden' ? 403 : 401;
        const challenge = outcome.kind === 'bearer' ? outcome.failure.headers['www-authenticate'] : undefined;
        socket.end(
          `HTTP/1.1 ${status} Refused\r\n${challenge === undefined ? '' : `www-authenticate: ${challenge}\r\n`}connection: close\r\ncontent-length: 0\r\n\r\n`,
        );
        return;
      }
      proxy.upgrade(
        req,
        socket,
        head,
        located.route.upstream!,
        located.normalized.path + located.normalized.query,
        await upstreamHeaders(req, located.route.upstream!, outcome.identity, true),
      );
    } catch {
      socket.destroy();
    }
  }

  return {
    handle,
    upgrade,
    proxy,
    isTrustedProxy,
    purge: () => deps.store.purgeExpired(Math.floor(now() / 1000)),
  };
}
