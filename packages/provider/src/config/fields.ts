/**
 * Every configuration key in one table: its path in the config object and the file, its environment
 * variable, its default and its parser. docs/configuration.md documents this table; the loader, the
 * defaults and the error messages all come from it, so they cannot drift apart.
 */
import { redactDatabaseUrl } from '@latchkey/store';
import { parseConnectors } from '../connectors/parse-config.js';
import {
  parseClientPolicies,
  parseRegistrationGrantTypes,
  parseRegistrationMode,
  parseRegistrationRate,
  parseResourceList,
  parseScopeList,
  parseSoftwareStatementIssuers,
} from './client-policies.js';
import { parseTokenExchangePolicies, parseWorkloadTrustRules } from './machine-identity.js';
import {
  type Parsed,
  parseAlgorithms,
  parseBoolean,
  parseByteSize,
  parseCodeLifetime,
  parseColor,
  parseConnectionCount,
  parseDatabaseUrl,
  parseDeviceCodeLifetime,
  parseDurationValue,
  parseHost,
  parseIssuer,
  parseLogLevel,
  parseMailbox,
  parseMfaPolicy,
  parseNonEmptyString,
  parsePasswordMinLength,
  parsePollingInterval,
  parsePort,
  parseProductName,
  parsePublicUrl,
  parsePushedRequestLifetime,
  parseRequestsPerMinute,
  parseRequestTime,
  parseSigningAlgorithm,
  parseSmtpTls,
  parseTrustedProxies,
} from './parsers.js';
import { parseSecret } from './secret.js';

export interface ConfigField {
  /** Dotted path in the config object and in the config file: `port`, `keys.jwksMaxAge`. */
  readonly path: string;
  readonly env: readonly string[];
  /** Undefined: no default (optional value, or derived from another key). */
  readonly default?: unknown;
  /** Never echo the value in an error message (unless `shown` makes it safe). */
  readonly sensitive?: boolean;
  /** How a sensitive value is named in an error message, with its secret parts removed. */
  readonly shown?: (raw: string) => string;
  readonly parse: (raw: unknown) => Parsed<unknown>;
}

export const CONFIG_FIELDS: readonly ConfigField[] = [
  // Default derived from port: http://localhost:<port> (config/development-issuer.ts).
  { path: 'issuer', env: ['LATCHKEY_ISSUER'], parse: parseIssuer },
  { path: 'host', env: ['LATCHKEY_HOST'], default: '127.0.0.1', parse: parseHost },
  { path: 'port', env: ['LATCHKEY_PORT'], default: 8080, parse: parsePort },
  { path: 'dataDir', env: ['LATCHKEY_DATA_DIR'], default: './latchkey-data', parse: parseNonEmptyString },
  // Default derived from dataDir: sqlite:<dataDir>/latchkey.db
  {
    path: 'databaseUrl',
    env: ['DATABASE_URL', 'LATCHKEY_DATABASE_URL'],
    sensitive: true,
    // The operator must see which value was refused; only the password is taken out.
    shown: redactDatabaseUrl,
    parse: parseDatabaseUrl,
  },
  { path: 'secret', env: ['LATCHKEY_SECRET'], sensitive: true, parse: parseSecret },
  { path: 'bodyLimit', env: ['LATCHKEY_BODY_LIMIT'], default: 65_536, parse: parseByteSize },
  { path: 'trustedProxies', env: ['LATCHKEY_TRUSTED_PROXIES'], default: [], parse: parseTrustedProxies },
  {
    path: 'keys.algorithms',
    env: ['LATCHKEY_KEYS_ALGORITHMS'],
    default: ['RS256', 'ES256'],
    parse: parseAlgorithms,
  },
  {
    path: 'keys.rotationInterval',
    env: ['LATCHKEY_KEYS_ROTATION_INTERVAL'],
    default: '30d',
    parse: parseDurationValue,
  },
  { path: 'keys.jwksMaxAge', env: ['LATCHKEY_KEYS_JWKS_MAX_AGE'], default: '1h', parse: parseDurationValue },
  {
    path: 'keys.maxTokenLifetime',
    env: ['LATCHKEY_KEYS_MAX_TOKEN_LIFETIME'],
    default: '1d',
    parse: parseDurationValue,
  },
  {
    path: 'keys.reloadInterval',
    env: ['LATCHKEY_KEYS_RELOAD_INTERVAL'],
    default: '5s',
    parse: parseDurationValue,
  },
  { path: 'logging.level', env: ['LATCHKEY_LOG_LEVEL'], default: 'info', parse: parseLogLevel },
  { path: 'logging.requests', env: ['LATCHKEY_LOG_REQUESTS'], default: false, parse: parseBoolean },
  {
    path: 'session.lifetime',
    env: ['LATCHKEY_SESSION_LIFETIME'],
    default: '12h',
    parse: parseDurationValue,
  },
  { path: 'session.idleTimeout', env: ['LATCHKEY_SESSION_IDLE_TIMEOUT'], parse: parseDurationValue },
  {
    path: 'passwords.minLength',
    env: ['LATCHKEY_PASSWORDS_MIN_LENGTH'],
    default: 12,
    parse: parsePasswordMinLength,
  },
  {
    path: 'authorization.codeLifetime',
    env: ['LATCHKEY_AUTHORIZATION_CODE_LIFETIME'],
    default: '60s',
    parse: parseCodeLifetime,
  },
  {
    path: 'authorization.pushedRequestLifetime',
    env: ['LATCHKEY_AUTHORIZATION_PUSHED_REQUEST_LIFETIME'],
    default: '60s',
    parse: parsePushedRequestLifetime,
  },
  {
    path: 'authorization.requirePushedRequests',
    env: ['LATCHKEY_AUTHORIZATION_REQUIRE_PUSHED_REQUESTS'],
    default: false,
    parse: parseBoolean,
  },
  { path: 'ui.productName', env: ['LATCHKEY_UI_PRODUCT_NAME'], default: 'Latchkey', parse: parseProductName },
  { path: 'ui.logoUrl', env: ['LATCHKEY_UI_LOGO_URL'], parse: parsePublicUrl },
  { path: 'ui.primaryColor', env: ['LATCHKEY_UI_PRIMARY_COLOR'], default: '#2f5bd3', parse: parseColor },
  {
    path: 'tokens.accessTokenLifetime',
    env: ['LATCHKEY_TOKENS_ACCESS_TOKEN_LIFETIME'],
    default: '10m',
    parse: parseDurationValue,
  },
  {
    path: 'tokens.idTokenLifetime',
    env: ['LATCHKEY_TOKENS_ID_TOKEN_LIFETIME'],
    default: '1h',
    parse: parseDurationValue,
  },
  // Default derived from keys.algorithms: ES256 when configured, else RS256 (always configured).
  { path: 'tokens.accessTokenAlg', env: ['LATCHKEY_TOKENS_ACCESS_TOKEN_ALG'], parse: parseSigningAlgorithm },
  {
    path: 'device.codeLifetime',
    env: ['LATCHKEY_DEVICE_CODE_LIFETIME'],
    default: '10m',
    parse: parseDeviceCodeLifetime,
  },
  { path: 'device.interval', env: ['LATCHKEY_DEVICE_INTERVAL'], default: '5s', parse: parsePollingInterval },
  {
    path: 'device.authorizationsPerClient',
    env: ['LATCHKEY_DEVICE_AUTHORIZATIONS_PER_CLIENT'],
    default: '60',
    parse: parseRequestsPerMinute,
  },
  { path: 'adminApi.enabled', env: ['LATCHKEY_ADMIN_API_ENABLED'], default: true, parse: parseBoolean },
  {
    path: 'adminApi.requestsPerMinute',
    env: ['LATCHKEY_ADMIN_API_REQUESTS_PER_MINUTE'],
    default: '600',
    parse: parseRequestsPerMinute,
  },
  {
    path: 'device.authorizationsPerAddress',
    env: ['LATCHKEY_DEVICE_AUTHORIZATIONS_PER_ADDRESS'],
    default: '10',
    parse: parseRequestsPerMinute,
  },
  {
    path: 'tokens.refreshTokenIdleLifetime',
    env: ['LATCHKEY_TOKENS_REFRESH_TOKEN_IDLE_LIFETIME'],
    default: '14d',
    parse: parseDurationValue,
  },
  {
    path: 'tokens.refreshTokenAbsoluteLifetime',
    env: ['LATCHKEY_TOKENS_REFRESH_TOKEN_ABSOLUTE_LIFETIME'],
    default: '30d',
    parse: parseDurationValue,
  },
  {
    path: 'tokens.dpopRequireNonce',
    env: ['LATCHKEY_TOKENS_DPOP_REQUIRE_NONCE'],
    default: false,
    parse: parseBoolean,
  },
  {
    path: 'clients.cacheTtl',
    env: ['LATCHKEY_CLIENTS_CACHE_TTL'],
    default: '30s',
    parse: parseDurationValue,
  },
  {
    path: 'clients.metadataDocuments',
    env: ['LATCHKEY_CLIENTS_METADATA_DOCUMENTS'],
    default: [],
    parse: parseClientPolicies,
  },
  {
    path: 'registration.mode',
    env: ['LATCHKEY_REGISTRATION_MODE'],
    default: 'disabled',
    parse: parseRegistrationMode,
  },
  {
    path: 'registration.scopes',
    env: ['LATCHKEY_REGISTRATION_SCOPES'],
    default: ['openid'],
    parse: parseScopeList,
  },
  {
    path: 'registration.resources',
    env: ['LATCHKEY_REGISTRATION_RESOURCES'],
    default: [],
    parse: parseResourceList,
  },
  {
    path: 'registration.grantTypes',
    env: ['LATCHKEY_REGISTRATION_GRANT_TYPES'],
    default: ['authorization_code', 'refresh_token'],
    parse: parseRegistrationGrantTypes,
  },
  {
    path: 'registration.rateLimit',
    env: ['LATCHKEY_REGISTRATION_RATE_LIMIT'],
    default: 10,
    parse: parseRegistrationRate,
  },
  {
    path: 'registration.unusedClientLifetime',
    env: ['LATCHKEY_REGISTRATION_UNUSED_CLIENT_LIFETIME'],
    default: '30d',
    parse: parseDurationValue,
  },
  {
    path: 'registration.softwareStatementIssuers',
    env: ['LATCHKEY_REGISTRATION_SOFTWARE_STATEMENT_ISSUERS'],
    default: [],
    parse: parseSoftwareStatementIssuers,
  },
  {
    path: 'outbound.allowedAddresses',
    env: ['LATCHKEY_OUTBOUND_ALLOWED_ADDRESSES'],
    default: [],
    parse: parseTrustedProxies,
  },
  { path: 'outbound.timeout', env: ['LATCHKEY_OUTBOUND_TIMEOUT'], default: '5s', parse: parseDurationValue },
  { path: 'metrics.host', env: ['LATCHKEY_METRICS_HOST'], default: '127.0.0.1', parse: parseHost },
  { path: 'metrics.port', env: ['LATCHKEY_METRICS_PORT'], parse: parsePort },
  {
    path: 'tokenExchange.clients',
    env: ['LATCHKEY_TOKEN_EXCHANGE_CLIENTS'],
    default: {},
    parse: parseTokenExchangePolicies,
  },
  {
    path: 'workloadIdentity.trust',
    env: ['LATCHKEY_WORKLOAD_IDENTITY_TRUST'],
    default: [],
    parse: parseWorkloadTrustRules,
  },
  // 90 days: a quarter of security events to investigate, and a bounded table (5 million rows ≈ a
  // busy deployment's quarter) instead of one that grows for ever.
  { path: 'audit.retention', env: ['LATCHKEY_AUDIT_RETENTION'], default: '90d', parse: parseDurationValue },
  { path: 'shutdownTimeout', env: ['LATCHKEY_SHUTDOWN_TIMEOUT'], default: '10s', parse: parseDurationValue },
  // No defaults under email.*: the section exists only when an operator configures delivery.
  { path: 'email.from', env: ['LATCHKEY_EMAIL_FROM'], parse: parseMailbox },
  { path: 'email.smtp.host', env: ['LATCHKEY_EMAIL_SMTP_HOST'], parse: parseHost },
  { path: 'email.smtp.port', env: ['LATCHKEY_EMAIL_SMTP_PORT'], parse: parsePort },
  { path: 'email.smtp.tls', env: ['LATCHKEY_EMAIL_SMTP_TLS'], parse: parseSmtpTls },
  { path: 'email.smtp.username', env: ['LATCHKEY_EMAIL_SMTP_USERNAME'], parse: parseNonEmptyString },
  {
    path: 'email.smtp.password',
    env: ['LATCHKEY_EMAIL_SMTP_PASSWORD'],
    sensitive: true,
    parse: parseNonEmptyString,
  },
  { path: 'email.linkLifetime', env: ['LATCHKEY_EMAIL_LINK_LIFETIME'], parse: parseDurationValue },
  {
    path: 'selfRegistration.enabled',
    env: ['LATCHKEY_SELF_REGISTRATION_ENABLED'],
    default: false,
    parse: parseBoolean,
  },
  // Issue 16: whether clients that do not say need a second factor.
  { path: 'mfa.default', env: ['LATCHKEY_MFA_DEFAULT'], default: 'optional', parse: parseMfaPolicy },
  // Checklist L2: every connection is bounded in time, and one address cannot hold them all.
  {
    path: 'http.headersTimeout',
    env: ['LATCHKEY_HTTP_HEADERS_TIMEOUT'],
    default: '10s',
    parse: parseRequestTime,
  },
  {
    path: 'http.requestTimeout',
    env: ['LATCHKEY_HTTP_REQUEST_TIMEOUT'],
    default: '30s',
    parse: parseRequestTime,
  },
  {
    path: 'http.keepAliveTimeout',
    env: ['LATCHKEY_HTTP_KEEP_ALIVE_TIMEOUT'],
    // Longer than the 60 s for which nginx and cloud load balancers keep an idle upstream connection,
    // so the provider never closes a connection the balancer is about to reuse (a 502 on a POST).
    default: '75s',
    parse: parseRequestTime,
  },
  { path: 'http.idleTimeout', env: ['LATCHKEY_HTTP_IDLE_TIMEOUT'], default: '120s', parse: parseRequestTime },
  {
    path: 'http.maxConnectionsPerAddress',
    env: ['LATCHKEY_HTTP_MAX_CONNECTIONS_PER_ADDRESS'],
    default: 128,
    parse: parseConnectionCount,
  },
  {
    path: 'http.pageBodyLimit',
    env: ['LATCHKEY_HTTP_PAGE_BODY_LIMIT'],
    default: 16_384,
    parse: parseByteSize,
  },
  // A list of objects, one per upstream (docs/federation.md); sensitive: it holds client secrets.
  { path: 'connectors', env: ['LATCHKEY_CONNECTORS'], default: [], sensitive: true, parse: parseConnectors },
];
