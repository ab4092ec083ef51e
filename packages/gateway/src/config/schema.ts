/**
 * The gateway's configuration as it is written (a YAML or JSON file, `LATCHKEY_GATEWAY_*` variables),
 * declared once as a TypeBox schema: shape, constraints and defaults. TypeBox checks a whole document
 * (@latchkey/config-schema); load.ts then derives what a schema cannot (URLs, the cookie's name, route
 * resources, references between routes, upstreams and providers, the key file). docs/gateway.md
 * documents every key. Durations are written `30s`, `5m`, `12h` or as seconds.
 */

import { addressRanges, boolean, integer, list, oneOf, refined } from '@latchkey/config-schema';
import { parseDuration } from '@latchkey/oidc';
import * as Type from 'typebox/type';
import { cookieSecretProblem } from './secret.js';

const HEADER_NAME = "^[!#$%&'*+\\-.^_`|~0-9A-Za-z]+$";
const ID = '^[a-z0-9][a-z0-9_-]{0,39}$';
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

/**
 * A duration in seconds, written `30s`, `5m`, `12h`, `1d` or as seconds; fractions allowed (`0.5s`, a
 * connect timeout under a second), as @latchkey/oidc reads durations. More than zero, at most `maximum`.
 */
const readSeconds = (raw: unknown): unknown => {
  if (typeof raw === 'string' && /^\d+(\.\d+)?$/.test(raw)) return Number(raw);
  try {
    return parseDuration(raw as number | string, 'duration');
  } catch {
    return raw;
  }
};
const seconds = (options: Type.TSchemaOptions = {}, maximum = Number.MAX_SAFE_INTEGER) =>
  Type.Number({
    exclusiveMinimum: 0,
    maximum,
    problem: 'must be a duration like 30s, 5m, 12h or seconds',
    '~read': readSeconds,
    ...options,
    ...(options.default === undefined ? {} : { default: readSeconds(options.default) }),
  });

/** A group of settings: its own keys only, and `{}` when left out so its members' defaults apply. */
const group = <Properties extends Type.TProperties>(properties: Properties) =>
  Type.Object(properties, { additionalProperties: false, default: {}, problem: 'must be a mapping' });
const text = (options: Type.TSchemaOptions = {}) =>
  Type.String({ minLength: 1, problem: 'must be a non-empty string', ...options });
const texts = (options: Type.TSchemaOptions = {}) =>
  list(text(), 'must be a list of non-empty strings', options);
const id = () => text({ pattern: ID, problem: 'must be lower-case letters, digits, _ or - (up to 40)' });
const headerName = (fallback: string) =>
  text({ pattern: HEADER_NAME, problem: 'must be a header name', default: fallback });
const cookieNames = () =>
  list(text({ pattern: HEADER_NAME, problem: 'must be a cookie name' }), 'must be a list of cookie names', {
    default: [],
  });

/** An absolute URL; `check` adds what else it must be. */
const url = (check: (url: URL) => string | undefined) =>
  refined(text({ problem: 'is not an absolute URL' }), (value) =>
    URL.canParse(value) ? check(new URL(value)) : 'is not an absolute URL',
  );
const httpsOrLoopback = (url: URL, problem: string) =>
  url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK.includes(url.hostname))
    ? undefined
    : problem;

export const ListenSchema = group({
  host: text({ default: '127.0.0.1' }),
  port: integer(0, 65_535, 'must be a port number (0-65535)', { default: 4180 }),
});

export const CookieSchema = group({
  /** 32+ bytes (base64 of them, or any text that long); the session cookie is sealed under keys derived from it. */
  secret: refined(
    Type.String({ sensitive: true, problem: '32 or more random bytes, e.g. openssl rand -base64 32' }),
    cookieSecretProblem,
  ),
  /** `__Host-<name>` when publicUrl is https, `<name>` on http (localhost development). */
  name: text({
    pattern: '^[A-Za-z0-9_-]{1,64}$',
    problem: 'must be letters, digits, _ or -',
    default: 'latchkey',
  }),
  /** Absolute session lifetime; default 12h, 1h with `session.store: cookie` (nothing can end it early). */
  maxAge: Type.Optional(seconds()),
});

export const ProviderSchema = Type.Object(
  {
    id: id(),
    issuer: url((issuer) => httpsOrLoopback(issuer, 'must be https (http only on a loopback host)')),
    clientId: text(),
    /** Or `LATCHKEY_GATEWAY_PROVIDER_<ID>_CLIENT_SECRET`. */
    clientSecret: Type.Optional(text({ sensitive: true })),
    scopes: texts({ default: ['openid', 'profile', 'email'] }),
    /** Claim holding the user's groups. */
    groupsClaim: text({ default: 'groups' }),
  },
  { additionalProperties: false, problem: 'must be a mapping' },
);

export const UpstreamSchema = Type.Object(
  {
    id: id(),
    url: url((upstream) =>
      upstream.protocol !== 'http:' && upstream.protocol !== 'https:'
        ? 'must be http or https'
        : upstream.pathname !== '/' || upstream.search !== ''
          ? 'must be an origin without a path'
          : undefined,
    ),
    /** Time to wait for the response headers, and between body chunks (504 after). */
    timeout: seconds({ default: '30s' }),
    connectTimeout: seconds({ default: '5s' }),
    /** `jwt`: send a freshly signed short-lived JWT of the caller's identity (`identityHeaders.jwt`). */
    token: oneOf(['none', 'jwt'], { default: 'none', problem: 'must be none or jwt' }),
    /** The `aud` of that JWT; default the upstream's URL origin. */
    audience: Type.Optional(text()),
  },
  { additionalProperties: false, problem: 'must be a mapping' },
);

export const RouteSchema = Type.Object(
  {
    /** A host name or `*.domain` (compared lower-case, without the port); unset: any host. */
    host: Type.Optional(
      text({
        pattern: '^(\\*\\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$',
        problem: 'must be a host name, or *.domain',
        '~read': (raw: unknown) => (typeof raw === 'string' ? raw.toLowerCase() : raw),
      }),
    ),
    /** A path prefix, matched on segment boundaries (load.ts normalizes it). */
    path: text({ default: '/' }),
    upstream: Type.Optional(text()),
    /** A policy expression (policy/expression.ts checks it). */
    policy: Type.Unknown({ problem: 'must be a policy' }),
    /** Provider ids whose users and tokens this route accepts; default all. */
    providers: Type.Optional(texts()),
    /** `api`: Bearer tokens only (401, no redirect); `browser`: sessions only; `both`. */
    mode: oneOf(['browser', 'api', 'both'], { default: 'both', problem: 'must be browser, api or both' }),
    /** The `aud` Bearer tokens must carry; default the route's resource identifier (RFC 9728 §1.2). */
    audience: Type.Optional(text()),
    /** `no-store`: signed-in answers are never cached; `upstream`: the upstream's Cache-Control is kept. */
    cache: oneOf(['no-store', 'upstream'], { default: 'no-store', problem: 'must be no-store or upstream' }),
    /** Step-up (RFC 9470): acr values accepted (the oidc check reads them). */
    acr: Type.Optional(Type.Unknown()),
    /** Step-up: the largest age of the sign-in. */
    maxAge: Type.Optional(seconds()),
  },
  { additionalProperties: false, required: ['policy'], problem: 'must be a mapping' },
);

export const IdentityHeadersSchema = group({
  user: headerName('X-Auth-Request-User'),
  email: headerName('X-Auth-Request-Email'),
  groups: headerName('X-Auth-Request-Groups'),
  accessToken: headerName('X-Auth-Request-Access-Token'),
  /** Carries the JWT signed for upstreams with `token: jwt`. */
  jwt: headerName('X-Auth-Request-Jwt'),
});

/** Checklist L2 (slowloris and connection floods): every bound has a safe default. */
export const LimitsSchema = group({
  /** Time to receive a request's headers (slowloris). */
  headersTimeout: seconds({ default: '10s' }),
  /** Time to receive a whole request, body included. */
  requestTimeout: seconds({ default: '60s' }),
  /**
   * How long an idle keep-alive connection stays open: above the 60 s idle timeout of common load
   * balancers, so the gateway never closes a connection the balancer is about to reuse.
   */
  keepAliveTimeout: seconds({ default: '65s' }),
  /** Bytes of request headers. */
  maxHeaderSize: integer(1024, 1024 * 1024, 'must be a whole number from 1024 to 1048576', {
    default: 16 * 1024,
  }),
  /** Bytes of a request body forwarded upstream (413 beyond). */
  maxBodySize: integer(0, Number.MAX_SAFE_INTEGER, 'must be a whole number of bytes', {
    default: 10 * 1024 * 1024,
  }),
  /** Open connections from one client address. */
  connectionsPerAddress: integer(1, 1_000_000, 'must be a whole number from 1 to 1000000', { default: 100 }),
});

export const GatewaySettingsSchema = Type.Object(
  {
    listen: ListenSchema,
    /** The URL browsers and API clients use: redirect URI, cookie prefix and RFC 9728 URLs derive from it. */
    publicUrl: url(
      (publicUrl) =>
        httpsOrLoopback(publicUrl, 'must be https (http only on localhost)') ??
        (publicUrl.pathname !== '/' || publicUrl.search !== ''
          ? 'must be an origin without a path or query'
          : undefined),
    ),
    databaseUrl: text({ sensitive: true, default: 'sqlite:./latchkey-gateway.db' }),
    session: group({
      /** `server`: the store holds the session, the cookie its sealed id; `cookie`: the sealed session itself. */
      store: oneOf(['server', 'cookie'], { default: 'server', problem: 'must be server or cookie' }),
    }),
    cookie: CookieSchema,
    providers: Type.Array(ProviderSchema, { minItems: 1, problem: 'must be a non-empty list' }),
    upstreams: Type.Array(UpstreamSchema, { default: [], problem: 'must be a list' }),
    routes: Type.Array(RouteSchema, { minItems: 1, problem: 'must be a non-empty list' }),
    /** Peers whose `X-Forwarded-*` / `X-Original-URI` headers are believed (checklist G1). */
    trustedProxies: addressRanges({ default: [] }),
    identityHeaders: IdentityHeadersSchema,
    /** Send the session's access token upstream (`identityHeaders.accessToken`). */
    forwardAccessToken: boolean({ default: false }),
    /** Exact origins a return URL may point to, besides relative paths (checklist G3). */
    allowedRedirectOrigins: list(
      refined(text(), (origin) =>
        URL.canParse(origin) && new URL(origin).origin === origin
          ? undefined
          : 'must be an origin like https://app.example',
      ),
      'must be a list of origins',
      { default: [] },
    ),
    /** Match paths case-sensitively (default false: `/ADMIN` is matched as `/admin`, never less strict). */
    caseSensitivePaths: boolean({ default: false }),
    /** Refresh the access token this long before it expires. */
    refreshBefore: seconds({ default: '60s' }),
    /** Prefix of the gateway's own endpoints (callback, logout, start, back-channel logout). */
    endpointPrefix: text({
      pattern: '^/[A-Za-z0-9_-]+$',
      problem: 'must be one path segment like /_latchkey',
      default: '/_latchkey',
    }),
    /** `/_auth` answers browsers with a redirect to sign in (Traefik) instead of 401 (nginx). */
    forwardAuthRedirect: boolean({ default: false }),
    /** The JWTs signed for upstreams with `token: jwt`. */
    upstreamJwt: group({
      /** A longer-lived token is a bearer credential an upstream log could leak for longer. */
      lifetime: seconds({ default: '60s', minimum: 1, problem: 'must be between 1s and 10m' }, 600),
      /** A PEM file with an EC P-256 private key (ES256); unset: a key pair generated at each start. */
      keyFile: Type.Optional(text()),
    }),
    /** Cookies kept from the upstream besides the gateway's own (proxy/cookies-to-strip.ts). */
    upstreamCookies: group({
      /** Cookie names never forwarded. */
      strip: cookieNames(),
      /** Known provider cookie names forwarded even when a provider shares the gateway's host. */
      pass: cookieNames(),
    }),
    limits: LimitsSchema,
  },
  { additionalProperties: false },
);
