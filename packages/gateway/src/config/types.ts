import type { KeyObject } from 'node:crypto';
import type { BlockList } from 'node:net';
import type { Frozen } from '@latchkey/config-schema';
import type { UserAuthenticationRequirement } from '@latchkey/oidc';
import type { Static } from 'typebox/type';
import type { Policy } from '../policy/expression.js';
import type {
  GatewaySettingsSchema,
  IdentityHeadersSchema,
  LimitsSchema,
  ProviderSchema,
  UpstreamSchema,
} from './schema.js';

/** The configuration as written and checked (schema.ts), defaults filled in; load.ts derives GatewayConfig. */
export type GatewaySettings = Frozen<Static<typeof GatewaySettingsSchema>>;

/** The one typed configuration object of the gateway (DESIGN rule 10); docs/gateway.md documents every key. */
export interface GatewayConfig {
  readonly listen: { readonly host: string; readonly port: number };
  /** The URL browsers and API clients use to reach the gateway: redirect URI, cookie prefix and RFC 9728 URLs derive from it. */
  readonly publicUrl: URL;
  readonly databaseUrl: string;
  /** `server`: the store holds the session, the cookie its sealed id; `cookie`: the sealed session itself. */
  readonly sessionStore: GatewaySettings['session']['store'];
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

/** Bounds on client connections and requests (checklist L2); durations in seconds, sizes in bytes. */
export type ServerLimits = Frozen<Static<typeof LimitsSchema>>;

/** Header names, lower-case. */
export type IdentityHeaderNames = Frozen<Static<typeof IdentityHeadersSchema>>;

/** A provider the gateway signs users in with; `clientSecret` may come from the environment. */
export type ProviderConfig = Frozen<Static<typeof ProviderSchema>>;

/** An upstream; timeouts in seconds, `audience` defaulting to the URL's origin. */
export type UpstreamConfig = Frozen<Omit<Static<typeof UpstreamSchema>, 'url' | 'audience'>> & {
  readonly url: URL;
  readonly audience: string;
};

export type RouteMode = GatewaySettings['routes'][number]['mode'];

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
  readonly cache: GatewaySettings['routes'][number]['cache'];
  /**
   * Step-up (RFC 9470): the `acr` values and the largest age of the sign-in (seconds since `auth_time`)
   * this route accepts, from a session's ID token or a Bearer token; undefined: any sign-in will do.
   */
  readonly userAuthentication: UserAuthenticationRequirement | undefined;
}
