import type { KeyObject } from 'node:crypto';
import type { BlockList } from 'node:net';
import type { UserAuthenticationRequirement } from '@latchkey/oidc';
import type { Policy } from '../policy/expression.js';

/** The one typed configuration object of the gateway (DESIGN rule 10); docs/gateway.md documents every key. */
export interface GatewayConfig {
  readonly listen: { readonly host: string; readonly port: number };
  /** The URL browsers and API clients use to reach the gateway: redirect URI, cookie prefix and RFC 9728 URLs derive from it. */
  readonly publicUrl: URL;
  readonly databaseUrl: string;
  /** `server`: the store holds the session, the cookie its sealed id; `cookie`: the sealed session itself. */
  readonly sessionStore: 'server' | 'cookie';
  readonly cookie: {
    /** 32+ bytes; the session cookie is encrypted and authenticated under keys derived from it. */
    readonly secret: Buffer;
    /** `__Host-<name>` when publicUrl is https, `<name>` on http (localhost development). */
    readonly name: string;
    /** Absolute session lifetime, seconds. */
    readonly maxAge: number;
  };
  readonly providers: readonly ProviderConfig[];
  readonly upstreams: readonly UpstreamConfig[];
  readonly routes: readonly RouteConfig[];
  /** Peers whose `X-Forwarded-*` / `X-Original-URI` headers are believed (checklist G1). */
  readonly trustedProxies: BlockList;
  readonly identityHeaders: IdentityHeaderNames;
  /** Send the session's access token upstream (`identityHeaders.accessToken`). */
  readonly forwardAccessToken: boolean;
  /** Exact origins a return URL may point to, besides relative paths (checklist G3). */
  readonly allowedRedirectOrigins: readonly string[];
  /** Match paths case-sensitively (default false: `/ADMIN` is matched as `/admin`, never less strict). */
  readonly caseSensitivePaths: boolean;
  /** Refresh the access token this many seconds before it expires. */
  readonly refreshBefore: number;
  /** Prefix of the gateway's own endpoints (callback, logout, start, back-channel logout). */
  readonly endpointPrefix: string;
  /** The JWTs signed for upstreams with `token: jwt`. */
  readonly upstreamJwt: {
    /** Seconds each token is valid (default 60). */
    readonly lifetime: number;
    /** A configured ES256 (P-256) private key; undefined: a key pair generated at each start. */
    readonly key: KeyObject | undefined;
  };
  /** `/_auth` answers browsers with a redirect to sign in (Traefik) instead of 401 (nginx). */
  readonly forwardAuthRedirect: boolean;
  /** Cookies kept from the upstream besides the gateway's own (proxy/cookies-to-strip.ts). */
  readonly upstreamCookies: {
    /** Cookie names never forwarded. */
    readonly strip: readonly string[];
    /** Known provider cookie names forwarded even when a provider shares the gateway's host. */
    readonly pass: readonly string[];
  };
  /** Bounds on client connections and requests (checklist L2). */
  readonly limits: ServerLimits;
}

export interface ServerLimits {
  /** Seconds to receive a request's headers (slowloris). */
  readonly headersTimeout: number;
  /** Seconds to receive a whole request, body included. */
  readonly requestTimeout: number;
  /** Seconds an idle keep-alive connection stays open. */
  readonly keepAliveTimeout: number;
  /** Bytes of request headers. */
  readonly maxHeaderSize: number;
  /** Bytes of a request body forwarded upstream (413 beyond). */
  readonly maxBodySize: number;
  /** Open connections from one client address. */
  readonly connectionsPerAddress: number;
}

export interface IdentityHeaderNames {
  readonly user: string;
  readonly email: string;
  readonly groups: string;
  readonly accessToken: string;
  /** Carries the JWT signed for upstreams with `token: jwt`. */
  readonly jwt: string;
}

export interface ProviderConfig {
  readonly id: string;
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly scopes: readonly string[];
  /** Claim holding the user's groups (default `groups`). */
  readonly groupsClaim: string;
}

export interface UpstreamConfig {
  readonly id: string;
  readonly url: URL;
  /** Seconds to wait for the response headers, and between body chunks (504 after). */
  readonly timeout: number;
  readonly connectTimeout: number;
  /** `jwt`: send a freshly signed short-lived JWT of the caller's identity (`identityHeaders.jwt`). */
  readonly token: 'none' | 'jwt';
  /** The `aud` of that JWT (default the upstream's URL origin). */
  readonly audience: string;
}

export type RouteMode = 'browser' | 'api' | 'both';

export interface RouteConfig {
  /** Lower-case host without port, `*.example.com`, or undefined for any host. */
  readonly host: string | undefined;
  /** Normalized path prefix, matched on segment boundaries; case-folded unless `caseSensitivePaths`. */
  readonly path: string;
  /** The prefix with its case as written, for readings of the request path that keep their case (G2). */
  readonly literalPath: string;
  readonly upstream: string | undefined;
  readonly policy: Policy;
  /** Provider ids whose users and tokens this route accepts (default: all). */
  readonly providers: readonly string[];
  /** `api`: Bearer tokens only (401, no redirect); `browser`: sessions only; `both` (default). */
  readonly mode: RouteMode;
  /** The `aud` Bearer tokens must carry; default the route's resource identifier (RFC 9728 §1.2). */
  readonly audience: string;
  /** The RFC 9728 resource identifier: publicUrl origin (or https://host) + path. */
  readonly resource: string;
  /**
   * `no-store` (default): answers to a signed-in session get `Cache-Control: private, no-store`, so no
   * browser or shared cache shows them after logout; `upstream`: the upstream's Cache-Control is kept.
   */
  readonly cache: 'no-store' | 'upstream';
  /**
   * Step-up (RFC 9470): the `acr` values and the largest age of the sign-in (seconds since `auth_time`)
   * this route accepts, from a session's ID token or a Bearer token; undefined: any sign-in will do.
   */
  readonly userAuthentication: UserAuthenticationRequirement | undefined;
}
