import type { FastifyReply, FastifyRequest } from 'fastify';
import { createSealedJson } from '../lib/sealed-json.js';
import { appendSetCookie, cookieName, readCookie, serializeCookie } from '../sessions/cookies.js';
import type { Connector, ConnectorSettings, PendingUpstream, RedirectConnector } from './connector.js';
import type { ConnectorDeps } from './connector-type.js';
import { findConnectorType } from './registry.js';

/** Why the browser went upstream, and so where it goes when it comes back. */
export type UpstreamPurpose =
  /** A pending authorization request (its sealed interaction): on to consent and the code. */
  | { readonly kind: 'authorize'; readonly interaction: string }
  /** Signing in to the account page. */
  | { readonly kind: 'account' }
  /** Linking the upstream identity to the account of this session (`sid`), from the account page. */
  | { readonly kind: 'link'; readonly sid: string };

/** One upstream round trip, sealed in a browser-bound cookie between the redirect and the callback. */
export interface UpstreamFlow {
  readonly connectorId: string;
  readonly pending: PendingUpstream;
  /** BrowserBinding.fingerprint of the browser that started it. */
  readonly browser: string;
  readonly expiresAt: number;
  readonly purpose: UpstreamPurpose;
}

/** Long enough to sign in upstream (perhaps with a second factor there); a leaked cookie dies soon. */
export const UPSTREAM_FLOW_LIFETIME = 10 * 60;
/** A sealed interaction is at most a few KB; browsers keep cookies up to 4096 bytes. */
const MAX_FLOW_COOKIE = 4000;

/** The round trip would not fit in a cookie (a very long `state` or `claims` in the pending request). */
export class FlowTooLargeError extends Error {
  override readonly name = 'FlowTooLargeError';
  readonly code = 'ERR_UPSTREAM_FLOW_TOO_LARGE';
}

export const CONNECTOR_PATHS = {
  start: (id: string) => `/connectors/${id}/start`,
  // Each upstream has its own callback path: a response is only ever read as the answer of the upstream
  // whose path it arrived on (mix-up defence, RFC 9700 §4.4.2).
  callback: (id: string) => `/connectors/${id}/callback`,
  /** A directory's own sign-in form (LDAP): username and password, checked by the connector. */
  login: (id: string) => `/connectors/${id}/login`,
} as const;

export interface Federation {
  readonly connectors: readonly Connector[];
  find(id: string): Connector | undefined;
  startPath(id: string): string;
  /** Where a connector's button leads: its round trip, or its own form (a directory). */
  entryPath(connector: Connector): string;
  callbackPath(id: string): string;
  /** Seals a new round trip into the cookie and sends the browser to the upstream (303). */
  redirect(
    request: FastifyRequest,
    reply: FastifyReply,
    connector: RedirectConnector,
    flow: {
      readonly browser: string;
      readonly purpose: UpstreamPurpose;
      readonly loginHint?: string | undefined;
    },
  ): Promise<FastifyReply>;
  /** The round trip this browser started, if its cookie opens and has not expired; the cookie is cleared. */
  takeFlow(request: FastifyRequest, reply: FastifyReply, now: number): UpstreamFlow | undefined;
  close(): Promise<void>;
}

export interface FederationDeps {
  readonly connectors: readonly ConnectorSettings[];
  readonly issuer: string;
  readonly basePath: string;
  readonly secret: Uint8Array;
  readonly random: (n: number) => Buffer;
  /** Seconds. */
  readonly clock: () => number;
  readonly fetch: typeof fetch;
}

export function createFederation(deps: FederationDeps): Federation {
  const origin = new URL(deps.issuer).origin;
  const secure = deps.issuer.startsWith('https:');
  const startPath = (id: string) => deps.basePath + CONNECTOR_PATHS.start(id);
  const callbackPath = (id: string) => deps.basePath + CONNECTOR_PATHS.callback(id);
  const connectors = deps.connectors.map((config) => {
    const type = findConnectorType(config.type);
    if (type === undefined) throw new TypeError(`no connector type ${config.type}`);
    const connectorDeps: ConnectorDeps = {
      fetch: deps.fetch,
      now: () => deps.clock() * 1000,
      callbackUrl: origin + callbackPath(config.id),
    };
    return type.create(config, connectorDeps);
  });
  const byId = new Map(connectors.map((c) => [c.settings.id, c]));
  const name = cookieName('latchkey-upstream', secure);
  const box = createSealedJson<UpstreamFlow>(
    deps.secret,
    deps.random,
    'latchkey upstream flow v1',
    MAX_FLOW_COOKIE,
  );
  const setCookie = (reply: FastifyReply, value: string, maxAge: number) =>
    appendSetCookie(reply, serializeCookie(name, value, { secure, maxAge }));
  return {
    connectors,
    find: (id) => byId.get(id),
    startPath,
    entryPath: (connector) =>
      deps.basePath +
      (connector.kind === 'redirect'
        ? CONNECTOR_PATHS.start(connector.settings.id)
        : CONNECTOR_PATHS.login(connector.settings.id)),
    callbackPath,
    async redirect(_request, reply, connector, flow) {
      const { url, pending } = await connector.start({ loginHint: flow.loginHint });
      const value: UpstreamFlow = {
        connectorId: connector.settings.id,
        pending,
        browser: flow.browser,
        expiresAt: deps.clock() + UPSTREAM_FLOW_LIFETIME,
        purpose: flow.purpose,
      };
      const sealed = box.seal(value);
      // Checked before the browser leaves: a cookie it would drop would only fail at the callback.
      if (sealed.length > MAX_FLOW_COOKIE)
        throw new FlowTooLargeError('the round trip does not fit in a cookie');
      setCookie(reply, sealed, UPSTREAM_FLOW_LIFETIME);
      return reply.code(303).headers({ location: url, 'cache-control': 'no-store' }).send();
    },
    takeFlow(request, reply, now) {
      const raw = readCookie(request.headers.cookie, name, MAX_FLOW_COOKIE);
      if (raw === undefined) return undefined;
      setCookie(reply, 'gone', 0);
      const flow = box.open(raw);
      return flow === undefined || now >= flow.expiresAt ? undefined : flow;
    },
    async close() {
      await Promise.all(connectors.map((c) => (c.kind === 'password' ? c.close() : undefined)));
    },
  };
}
