/**
 * The provider's configuration, declared once as TypeBox schemas: every setting's shape, constraints,
 * default (`default`) and environment variables (`env`). The config types (types.ts) are derived from
 * these schemas, CONFIG_FIELDS (fields.ts) walks them, TypeBox checks every value (check.ts), and
 * docs/configuration.md documents them. A setting with no default is optional, or derived from another
 * (issuer, databaseUrl, tokens.accessTokenAlg: see load.ts). Durations are whole seconds, and may be
 * written `30d`, `1h`, `5m`, `30s` (kinds.ts).
 */

import {
  addressRanges,
  anyDuration,
  boolean,
  duration,
  integer,
  list,
  oneOf,
  parsedBy,
  refined,
} from '@latchkey/config-schema';
import { ASYMMETRIC_ALGORITHMS, type JwsAlgorithm } from '@latchkey/oidc';
import { redactDatabaseUrl } from '@latchkey/store';
import * as Type from 'typebox/type';
import { parseConnectors } from '../connectors/parse-config.js';
import {
  clientPolicies,
  registrationGrantTypes,
  registrationMode,
  registrationRate,
  resourceList,
  scopeList,
  softwareStatementIssuers,
} from './client-policies.js';
import { parseWorkloadTrustRules, tokenExchangePolicies } from './machine-identity.js';
import {
  databaseUrlProblem,
  mailboxProblem,
  parseIssuer,
  parsePublicUrl,
  supportContactProblem,
} from './parsers.js';
import { parseSecret } from './secret.js';

const env = (...names: string[]) => ({ env: names });
const group = <Properties extends Type.TProperties>(properties: Properties) =>
  Type.Object(properties, { additionalProperties: false });

const port = (options: Type.TSchemaOptions) => integer(0, 65_535, 'is not a port number', options);
const host = (options: Type.TSchemaOptions) =>
  Type.String({
    pattern: '^[A-Za-z0-9.:[\\]_-]{1,253}$',
    problem: 'is not a host name or IP address',
    ...options,
  });
const nonEmptyString = (options: Type.TSchemaOptions) =>
  Type.String({ pattern: '\\S', problem: 'must be a non-empty string', ...options });
const byteSize = (options: Type.TSchemaOptions) =>
  integer(1024, 16 * 1024 * 1024, 'must be a number of bytes between 1024 and 16777216', options);
/** A request rate (checklist L3): a whole number of requests per minute. */
const requestsPerMinute = (options: Type.TSchemaOptions) =>
  integer(1, 100_000, 'must be a whole number from 1 to 100000', options);
/** A connection or request time bound: never unbounded (0), at most 10 minutes. */
const requestTime = (options: Type.TSchemaOptions) =>
  duration(1, 600, 'must be a duration from 1s to 600s', options);
const signingAlgorithm = (options: Type.TSchemaOptions = {}) =>
  oneOf<JwsAlgorithm[]>([...ASYMMETRIC_ALGORITHMS], {
    problem: `is not one of ${ASYMMETRIC_ALGORITHMS.join(', ')}`,
    ...options,
  });
const fromResult =
  <T>(check: (raw: unknown) => { ok: true; value: T } | { ok: false; problem: string }) =>
  (value: unknown) => {
    const result = check(value);
    return result.ok ? undefined : result.problem;
  };

export const KeysSchema = group({
  /** One key lineage per algorithm. RS256 is always present (OIDC Discovery 1.0 §3). */
  algorithms: refined(
    list(signingAlgorithm(), 'must be a non-empty list of algorithms', {
      minItems: 1,
      default: ['RS256', 'ES256'],
      ...env('LATCHKEY_KEYS_ALGORITHMS'),
    }),
    // OIDC Discovery 1.0 §3 (id_token_signing_alg_values_supported): RS256 MUST be included.
    (algorithms) =>
      !algorithms.includes('RS256')
        ? 'must include RS256 (OpenID Connect requires it for ID tokens)'
        : new Set(algorithms).size !== algorithms.length
          ? 'names an algorithm twice'
          : undefined,
  ),
  /** How long a key signs before the next one takes over. */
  rotationInterval: anyDuration({ default: '30d', ...env('LATCHKEY_KEYS_ROTATION_INTERVAL') }),
  /** The JWKS `Cache-Control: max-age`; a `next` key is published at least this long before it signs. */
  jwksMaxAge: anyDuration({ default: '1h', ...env('LATCHKEY_KEYS_JWKS_MAX_AGE') }),
  /** The longest lifetime of any token a key signs; a retired key stays published this long. */
  maxTokenLifetime: anyDuration({ default: '1d', ...env('LATCHKEY_KEYS_MAX_TOKEN_LIFETIME') }),
  /** How often every instance reloads the key set from the database (at most 300s: load.ts). */
  reloadInterval: anyDuration({ default: '5s', ...env('LATCHKEY_KEYS_RELOAD_INTERVAL') }),
});

export const LoggingSchema = group({
  level: oneOf(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
    default: 'info',
    ...env('LATCHKEY_LOG_LEVEL'),
  }),
  /**
   * An access log: Fastify's two lines per request (received, completed) at `info`. Off by default:
   * security events are in the audit log, request counts and latencies in /metrics.
   */
  requests: boolean({ default: false, ...env('LATCHKEY_LOG_REQUESTS') }),
});

export const SessionSchema = group({
  /** Absolute lifetime of a provider session from sign-in. */
  lifetime: anyDuration({ default: '12h', ...env('LATCHKEY_SESSION_LIFETIME') }),
  /** Time without a request to the provider's pages after which a session ends; unset: never. */
  idleTimeout: Type.Optional(anyDuration(env('LATCHKEY_SESSION_IDLE_TIMEOUT'))),
});

export const PasswordsSchema = group({
  /**
   * Fewest characters (code points) of a new password. NIST SP 800-63B rev. 4 §3.1.1.2: at least 8 (15
   * for a password that is the only factor); at most 64, the length every verifier must accept.
   */
  minLength: integer(8, 64, 'must be a whole number from 8 to 64', {
    default: 12,
    ...env('LATCHKEY_PASSWORDS_MIN_LENGTH'),
  }),
});

export const AuthorizationSchema = group({
  /** RFC 6749 §4.1.2 recommends at most 10 minutes; checklist A2 asks for at most 60 seconds. */
  codeLifetime: duration(1, 60, 'must be a duration of at most 60s', {
    default: '60s',
    ...env('LATCHKEY_AUTHORIZATION_CODE_LIFETIME'),
  }),
  /** RFC 9126 §2.2: a `request_uri` is short-lived (the RFC suggests 5 to 600 seconds). */
  pushedRequestLifetime: duration(5, 600, 'must be a duration from 5s to 600s', {
    default: '60s',
    ...env('LATCHKEY_AUTHORIZATION_PUSHED_REQUEST_LIFETIME'),
  }),
  /** Every authorization request must be pushed first (RFC 9126 §5). */
  requirePushedRequests: boolean({
    default: false,
    ...env('LATCHKEY_AUTHORIZATION_REQUIRE_PUSHED_REQUESTS'),
  }),
});

export const UiSchema = group({
  /** Shown on every page: printable, short. */
  productName: Type.String({
    minLength: 1,
    maxLength: 60,
    pattern: '^[^\\p{Cc}]*$',
    problem: 'must be 1 to 60 printable characters',
    '~read': (raw: unknown) => (typeof raw === 'string' ? raw.trim() : raw),
    default: 'Latchkey',
    ...env('LATCHKEY_UI_PRODUCT_NAME'),
  }),
  /** An absolute https URL (http only on loopback) of the logo; unset shows the product name alone. */
  logoUrl: Type.Optional(
    refined(
      Type.String({
        maxLength: 2000,
        problem: 'is not a URL',
        // The URL as the pages will write it (new URL().href).
        '~read': (raw: unknown) => (typeof raw === 'string' && URL.canParse(raw) ? new URL(raw).href : raw),
        ...env('LATCHKEY_UI_LOGO_URL'),
      }),
      fromResult(parsePublicUrl),
    ),
  ),
  /**
   * Whom a person who is stuck contacts, shown on the error pages and under the sign-in form: an email
   * address or an https URL. Unset shows none; so does empty (an override that hides a configured one).
   */
  supportContact: Type.Optional(
    refined(
      Type.String({
        maxLength: 254,
        problem: 'must be an email address or an https URL of at most 254 characters',
        // A URL as the pages will write it (new URL().href); an address as written.
        '~read': (raw: unknown) => {
          const text = typeof raw === 'string' ? raw.trim() : raw;
          return typeof text === 'string' && /^https?:/i.test(text) && URL.canParse(text)
            ? new URL(text).href
            : text;
        },
        ...env('LATCHKEY_UI_SUPPORT_CONTACT'),
      }),
      supportContactProblem,
    ),
  ),
  /** A hex colour only: it is written into the stylesheet, so nothing else may get through. */
  primaryColor: Type.String({
    pattern: '^#(?:[0-9a-f]{3}){1,2}$',
    problem: 'must be a hex colour like #2f5bd3',
    '~read': (raw: unknown) => (typeof raw === 'string' ? raw.toLowerCase() : raw),
    default: '#2f5bd3',
    ...env('LATCHKEY_UI_PRIMARY_COLOR'),
  }),
});

export const TokensSchema = group({
  /** Lifetime of an RFC 9068 access token. */
  accessTokenLifetime: anyDuration({ default: '10m', ...env('LATCHKEY_TOKENS_ACCESS_TOKEN_LIFETIME') }),
  /** Lifetime of an ID token. */
  idTokenLifetime: anyDuration({ default: '1h', ...env('LATCHKEY_TOKENS_ID_TOKEN_LIFETIME') }),
  /** The algorithm access tokens are signed with; one of keys.algorithms. Default: ES256 when configured, else RS256. */
  accessTokenAlg: signingAlgorithm(env('LATCHKEY_TOKENS_ACCESS_TOKEN_ALG')),
  /** A refresh token unused this long expires; each rotation restarts it. */
  refreshTokenIdleLifetime: anyDuration({
    default: '14d',
    ...env('LATCHKEY_TOKENS_REFRESH_TOKEN_IDLE_LIFETIME'),
  }),
  /** A refresh token family ends this long after the sign-in, however often it is rotated. */
  refreshTokenAbsoluteLifetime: anyDuration({
    default: '30d',
    ...env('LATCHKEY_TOKENS_REFRESH_TOKEN_ABSOLUTE_LIFETIME'),
  }),
  /** RFC 9449 §8: every DPoP proof must carry a server nonce. */
  dpopRequireNonce: boolean({ default: false, ...env('LATCHKEY_TOKENS_DPOP_REQUIRE_NONCE') }),
});

export const DeviceSchema = group({
  /**
   * RFC 8628 §3.2 `expires_in` of a device code: long enough to walk to a computer and sign in, short
   * enough that a leaked user code dies soon (it is only 8 characters: RFC 8628 §5.1).
   */
  codeLifetime: duration(60, 1800, 'must be a duration from 60s to 30m', {
    default: '10m',
    ...env('LATCHKEY_DEVICE_CODE_LIFETIME'),
  }),
  /** RFC 8628 §3.2 `interval`: how often a device may poll the token endpoint. */
  interval: duration(1, 60, 'must be a duration from 1s to 60s', {
    default: '5s',
    ...env('LATCHKEY_DEVICE_INTERVAL'),
  }),
  /** Device authorizations a client may start per minute, from anywhere (checklist L3). */
  authorizationsPerClient: requestsPerMinute({
    default: 60,
    ...env('LATCHKEY_DEVICE_AUTHORIZATIONS_PER_CLIENT'),
  }),
  /** Device authorizations one client address may start per minute, for any client (checklist L3). */
  authorizationsPerAddress: requestsPerMinute({
    default: 10,
    ...env('LATCHKEY_DEVICE_AUTHORIZATIONS_PER_ADDRESS'),
  }),
});

export const ClientsSchema = group({
  /** How long a client registration read on the token path is kept in memory. */
  cacheTtl: anyDuration({ default: '30s', ...env('LATCHKEY_CLIENTS_CACHE_TTL') }),
  /**
   * Trust policies for Client ID Metadata Documents: a client_id URL whose host one of them matches is
   * admitted, with that policy's scopes and resources. None (the default): CIMD is off.
   */
  metadataDocuments: clientPolicies({ default: [], ...env('LATCHKEY_CLIENTS_METADATA_DOCUMENTS') }),
});

export const AdminApiSchema = group({
  /** Off: no route under /admin/api, and its modules (~25 MB resident) are never loaded. */
  enabled: boolean({ default: true, ...env('LATCHKEY_ADMIN_API_ENABLED') }),
  /** Requests per minute one token subject (admin user or service client) may make, across instances. */
  requestsPerMinute: requestsPerMinute({ default: 600, ...env('LATCHKEY_ADMIN_API_REQUESTS_PER_MINUTE') }),
});

export const RegistrationSchema = group({
  /** `disabled` (no endpoint), `token` (an initial access token per registration) or `open` (rate-limited). */
  mode: registrationMode({ default: 'disabled', ...env('LATCHKEY_REGISTRATION_MODE') }),
  /** Scopes every dynamically registered client may be granted (the policy decides, not the client). */
  scopes: scopeList({ default: ['openid'], ...env('LATCHKEY_REGISTRATION_SCOPES') }),
  /** RFC 8707 resources every dynamically registered client may ask tokens for. */
  resources: resourceList({ default: [], ...env('LATCHKEY_REGISTRATION_RESOURCES') }),
  /** Grant types a client may register. */
  grantTypes: registrationGrantTypes({
    default: ['authorization_code', 'refresh_token'],
    ...env('LATCHKEY_REGISTRATION_GRANT_TYPES'),
  }),
  /** Open registrations allowed per client address per hour. */
  rateLimit: registrationRate({ default: 10, ...env('LATCHKEY_REGISTRATION_RATE_LIMIT') }),
  /** A dynamically registered client with no grant and no refresh token this long is deleted. */
  unusedClientLifetime: anyDuration({
    default: '30d',
    ...env('LATCHKEY_REGISTRATION_UNUSED_CLIENT_LIFETIME'),
  }),
  /** Whose software statements (RFC 7591 §2.3) are accepted; none: every statement is refused. */
  softwareStatementIssuers: softwareStatementIssuers({
    default: [],
    ...env('LATCHKEY_REGISTRATION_SOFTWARE_STATEMENT_ISSUERS'),
  }),
});

export const OutboundSchema = group({
  /**
   * Address ranges (CIDR) outbound requests may reach although they are loopback, private or
   * link-local; none by default. `127.0.0.1/32` for tests and development.
   */
  allowedAddresses: addressRanges({ default: [], ...env('LATCHKEY_OUTBOUND_ALLOWED_ADDRESSES') }),
  /** Deadline of one outbound request. */
  timeout: anyDuration({ default: '5s', ...env('LATCHKEY_OUTBOUND_TIMEOUT') }),
});

export const MetricsSchema = group({
  host: host({ default: '127.0.0.1', ...env('LATCHKEY_METRICS_HOST') }),
  /** Unset: no metrics listener. 0: any free port. */
  port: Type.Optional(port(env('LATCHKEY_METRICS_PORT'))),
});

/** Email delivery; no defaults under email.*: the section exists only when an operator configures it. */
export const EmailSchema = group({
  /** The From of every message: `addr@host` or `Name <addr@host>`. */
  from: refined(
    Type.String({
      minLength: 1,
      maxLength: 320,
      problem: 'must be an email address',
      '~read': (raw: unknown) => (typeof raw === 'string' ? raw.trim() : raw),
      ...env('LATCHKEY_EMAIL_FROM'),
    }),
    mailboxProblem,
  ),
  smtp: group({
    host: host(env('LATCHKEY_EMAIL_SMTP_HOST')),
    /** Default: 465 with implicit TLS, 587 otherwise. */
    port: Type.Optional(port(env('LATCHKEY_EMAIL_SMTP_PORT'))),
    /** STARTTLS (587), TLS from the start (465), or none (tests). Default: starttls. */
    tls: Type.Optional(oneOf(['starttls', 'implicit', 'none'], env('LATCHKEY_EMAIL_SMTP_TLS'))),
    username: Type.Optional(nonEmptyString(env('LATCHKEY_EMAIL_SMTP_USERNAME'))),
    password: Type.Optional(nonEmptyString({ sensitive: true, ...env('LATCHKEY_EMAIL_SMTP_PASSWORD') })),
  }),
  /** Lifetime of a verification or reset link. Default 30 minutes. */
  linkLifetime: Type.Optional(anyDuration(env('LATCHKEY_EMAIL_LINK_LIFETIME'))),
});

/** Connection and request bounds against slow and piled-up connections (checklist L2). */
export const HttpSchema = group({
  /** Time to receive a request's headers. */
  headersTimeout: requestTime({ default: '10s', ...env('LATCHKEY_HTTP_HEADERS_TIMEOUT') }),
  /** Time to receive a whole request, headers and body. */
  requestTimeout: requestTime({ default: '30s', ...env('LATCHKEY_HTTP_REQUEST_TIMEOUT') }),
  /**
   * How long a kept-alive connection waits for its next request. Longer than the 60 s for which nginx
   * and cloud load balancers keep an idle upstream connection, so the provider never closes a
   * connection the balancer is about to reuse (a 502 on a POST).
   */
  keepAliveTimeout: requestTime({ default: '75s', ...env('LATCHKEY_HTTP_KEEP_ALIVE_TIMEOUT') }),
  /** A connection with no traffic either way this long is closed. */
  idleTimeout: requestTime({ default: '120s', ...env('LATCHKEY_HTTP_IDLE_TIMEOUT') }),
  /** Open connections one client address may hold; 0 for no limit. Trusted proxies are exempt. */
  maxConnectionsPerAddress: integer(0, 100_000, 'must be a whole number from 0 (no limit) to 100000', {
    default: 128,
    ...env('LATCHKEY_HTTP_MAX_CONNECTIONS_PER_ADDRESS'),
  }),
  /** Largest body of the browser forms (sign-in, consent, device, logout), bytes; at most bodyLimit. */
  pageBodyLimit: byteSize({ default: 16_384, ...env('LATCHKEY_HTTP_PAGE_BODY_LIMIT') }),
});

/** The provider's whole configuration: one typed object, validated when loaded (DESIGN rule 10). */
export const ProviderConfigSchema = group({
  /**
   * Exactly the `iss` of every token and the `issuer` of discovery: no trailing slash, no query.
   * Default derived from port: http://localhost:<port> (development-issuer.ts).
   */
  issuer: refined(
    Type.String({ problem: 'is not a URL', ...env('LATCHKEY_ISSUER') }),
    fromResult(parseIssuer),
  ),
  host: host({ default: '127.0.0.1', ...env('LATCHKEY_HOST') }),
  port: port({ default: 8080, ...env('LATCHKEY_PORT') }),
  dataDir: nonEmptyString({ default: './latchkey-data', ...env('LATCHKEY_DATA_DIR') }),
  /** Default derived from dataDir: sqlite:<dataDir>/latchkey.db */
  databaseUrl: refined(
    Type.String({
      pattern: '\\S',
      problem: 'must be a database URL',
      sensitive: true,
      // The operator must see which value was refused; only the password is taken out.
      '~shown': redactDatabaseUrl,
      ...env('DATABASE_URL', 'LATCHKEY_DATABASE_URL'),
    }),
    databaseUrlProblem,
  ),
  /** LATCHKEY_SECRET; unset means "use (or create) the development secret in dataDir". */
  secret: Type.Optional(parsedBy(parseSecret, Type.String(), { sensitive: true, ...env('LATCHKEY_SECRET') })),
  /** Largest accepted request body, in bytes. */
  bodyLimit: byteSize({ default: 65_536, ...env('LATCHKEY_BODY_LIMIT') }),
  /**
   * Proxies whose `X-Forwarded-For` is believed (addresses or CIDR ranges); none by default. Only
   * requests arriving from them have it believed, so per-IP login limits see the client and not the
   * balancer (checklist S1), and nobody else can choose their own address.
   */
  trustedProxies: addressRanges({ default: [], ...env('LATCHKEY_TRUSTED_PROXIES') }),
  /** Signing keys and their rotation schedule (DESIGN "Keys and rotation"). */
  keys: KeysSchema,
  logging: LoggingSchema,
  /** Provider sessions (the sign-in cookie). */
  session: SessionSchema,
  /** The rules for new passwords (NIST SP 800-63B rev. 4). */
  passwords: PasswordsSchema,
  /** The authorization endpoint. */
  authorization: AuthorizationSchema,
  /** The look of the login and consent pages. */
  ui: UiSchema,
  /** Tokens issued at the token endpoint. */
  tokens: TokensSchema,
  /** The device authorization grant (RFC 8628). */
  device: DeviceSchema,
  /** The admin API (`/admin/api/v1`, docs/admin-api.md). */
  adminApi: AdminApiSchema,
  /** Client registrations as the token, introspection and revocation endpoints read them. */
  clients: ClientsSchema,
  /** Dynamic client registration (RFC 7591, RFC 7592). */
  registration: RegistrationSchema,
  /** Requests the provider makes to URLs that clients or configuration name (outbound/). */
  outbound: OutboundSchema,
  /** The Prometheus listener; off unless metrics.port is set. */
  metrics: MetricsSchema,
  /** RFC 8693: which client may exchange which tokens, for what (none by default). */
  tokenExchange: group({
    clients: tokenExchangePolicies({ default: {}, ...env('LATCHKEY_TOKEN_EXCHANGE_CLIENTS') }),
  }),
  /** RFC 7523 §2.1: external issuers whose tokens stand for machine clients (none by default). */
  workloadIdentity: group({
    trust: parsedBy(parseWorkloadTrustRules, Type.Array(Type.Object({})), {
      default: [],
      ...env('LATCHKEY_WORKLOAD_IDENTITY_TRUST'),
    }),
  }),
  /** The audit log's housekeeping. */
  audit: group({
    /**
     * Audit events older than this are deleted by housekeeping, in bounded batches. 90 days: a quarter
     * of security events to investigate, and a bounded table (5 million rows ≈ a busy deployment's
     * quarter) instead of one that grows for ever.
     */
    retention: anyDuration({ default: '90d', ...env('LATCHKEY_AUDIT_RETENTION') }),
  }),
  /** Seconds in-flight requests get to finish after SIGTERM before their connections are cut. */
  shutdownTimeout: anyDuration({ default: '10s', ...env('LATCHKEY_SHUTDOWN_TIMEOUT') }),
  /** Email delivery (verification and password-reset links); unset: no email is sent. */
  email: Type.Optional(EmailSchema),
  /** Self-registration on the account page (off by default; needs email, to verify the address). */
  selfRegistration: group({
    enabled: boolean({ default: false, ...env('LATCHKEY_SELF_REGISTRATION_ENABLED') }),
  }),
  /** Second factors (issue 16). */
  mfa: group({
    /** For clients that do not set their own `mfa`: `required` makes every sign-in need a second factor. */
    default: oneOf(['optional', 'required'], { default: 'optional', ...env('LATCHKEY_MFA_DEFAULT') }),
  }),
  /** Bounds on connections and request times (checklist L2). */
  http: HttpSchema,
  /**
   * Other identity providers people may sign in through (docs/federation.md); each type adds its keys,
   * which its connector module checks. Sensitive: the list holds client secrets.
   */
  connectors: parsedBy(parseConnectors, Type.Array(Type.Object({})), {
    default: [],
    sensitive: true,
    ...env('LATCHKEY_CONNECTORS'),
  }),
});
