import type { JwsAlgorithm } from '@latchkey/oidc';
import type { ClientPolicy } from '../clients/client-policy.js';
import type { ConnectorSettings } from '../connectors/connector.js';
import type { RegistrationMode, SoftwareStatementIssuer } from './client-policies.js';
import type { TokenExchangePolicy, WorkloadTrustRule } from './machine-identity.js';
import type { SmtpTlsMode } from './parsers.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Signing keys and their rotation schedule (DESIGN "Keys and rotation"). Durations in seconds. */
export interface KeysConfig {
  /** One key lineage per algorithm. RS256 is always present (OIDC Discovery 1.0 §3). */
  readonly algorithms: readonly JwsAlgorithm[];
  /** How long a key signs before the next one takes over. */
  readonly rotationInterval: number;
  /** The JWKS `Cache-Control: max-age`; a `next` key is published at least this long before it signs. */
  readonly jwksMaxAge: number;
  /** The longest lifetime of any token a key signs; a retired key stays published this long. */
  readonly maxTokenLifetime: number;
  /** How often every instance reloads the key set from the database. */
  readonly reloadInterval: number;
}

/** The provider's whole configuration: one typed object, validated when loaded (DESIGN rule 10). */
export interface AuditConfig {
  /** Audit events older than this (seconds) are deleted by housekeeping, in bounded batches. */
  readonly retention: number;
}

export interface LoggingConfig {
  readonly level: LogLevel;
  /**
   * An access log: Fastify's two lines per request (received, completed) at `info`. Off by default:
   * security events are in the audit log, request counts and latencies in /metrics.
   */
  readonly requests: boolean;
}

export interface ProviderConfig {
  /** Exactly the `iss` of every token and the `issuer` of discovery: no trailing slash, no query. */
  readonly issuer: string;
  /**
   * True when no issuer was configured: the issuer is the development issuer http://localhost:<port>,
   * and startProvider makes it name the port actually listened on (port 0 picks one).
   */
  readonly issuerFollowsPort: boolean;
  readonly host: string;
  readonly port: number;
  readonly databaseUrl: string;
  /** LATCHKEY_SECRET; undefined means "use (or create) the development secret in dataDir". */
  readonly secret: string | undefined;
  readonly dataDir: string;
  readonly keys: KeysConfig;
  readonly logging: LoggingConfig;
  /** Largest accepted request body, in bytes. */
  readonly bodyLimit: number;
  /** Proxies whose `X-Forwarded-For` is believed (addresses or CIDR ranges); none by default. */
  readonly trustedProxies: readonly string[];
  /** Provider sessions (the sign-in cookie). */
  readonly session: SessionConfig;
  /** The authorization endpoint. */
  readonly authorization: AuthorizationConfig;
  /** The rules for new passwords (NIST SP 800-63B rev. 4). */
  readonly passwords: PasswordsConfig;
  /** The look of the login and consent pages. */
  readonly ui: UiConfig;
  /** Tokens issued at the token endpoint. */
  readonly tokens: TokensConfig;
  /** The device authorization grant (RFC 8628). */
  readonly device: DeviceConfig;
  /** Client registrations as the token, introspection and revocation endpoints read them. */
  readonly clients: ClientsConfig;
  /** The admin API (`/admin/api/v1`, docs/admin-api.md). */
  readonly adminApi: AdminApiConfig;
  /** The Prometheus listener; off unless metrics.port is set. */
  readonly metrics: MetricsConfig;
  /** Requests the provider makes to URLs that clients or configuration name (outbound/). */
  readonly outbound: OutboundConfig;
  /** Dynamic client registration (RFC 7591, RFC 7592). */
  readonly registration: RegistrationConfig;
  /** The audit log's housekeeping. */
  readonly audit: AuditConfig;
  /** Seconds in-flight requests get to finish after SIGTERM before their connections are cut. */
  readonly shutdownTimeout: number;
  /** Email delivery (verification and password-reset links); undefined: no email is sent. */
  readonly email?: EmailConfig | undefined;
  /** Self-registration on the account page (off by default; needs email, to verify the address). */
  readonly selfRegistration: SelfRegistrationConfig;
  /** Bounds on connections and request times (checklist L2). */
  readonly http: HttpConfig;
  /** RFC 8693: which client may exchange which tokens, for what (none by default). */
  readonly tokenExchange: { readonly clients: Readonly<Record<string, TokenExchangePolicy>> };
  /** RFC 7523 §2.1: external issuers whose tokens stand for machine clients (none by default). */
  readonly workloadIdentity: { readonly trust: readonly WorkloadTrustRule[] };
  /** Other identity providers people may sign in through (docs/federation.md); each type adds its keys. */
  readonly connectors: readonly ConnectorSettings[];
  /** Second factors (issue 16). */
  readonly mfa: MfaConfig;
}

export interface MfaConfig {
  /** For clients that do not set their own `mfa`: `required` makes every sign-in need a second factor. */
  readonly default: 'optional' | 'required';
}

export interface EmailConfig {
  /** The From of every message: `addr@host` or `Name <addr@host>`. */
  readonly from: string;
  readonly smtp: {
    readonly host: string;
    /** Default: 465 with implicit TLS, 587 otherwise. */
    readonly port?: number;
    /** Default: starttls. */
    readonly tls?: SmtpTlsMode;
    readonly username?: string;
    readonly password?: string;
  };
  /** Lifetime of a verification or reset link, seconds. Default 30 minutes. */
  readonly linkLifetime?: number;
}

export interface SelfRegistrationConfig {
  readonly enabled: boolean;
}

/** Connection and request bounds against slow and piled-up connections (checklist L2). Seconds. */
export interface HttpConfig {
  /** Time to receive a request's headers. */
  readonly headersTimeout: number;
  /** Time to receive a whole request, headers and body. */
  readonly requestTimeout: number;
  /** How long a kept-alive connection waits for its next request. */
  readonly keepAliveTimeout: number;
  /** A connection with no traffic either way this long is closed. */
  readonly idleTimeout: number;
  /** Open connections one client address may hold; 0 for no limit. Trusted proxies are exempt. */
  readonly maxConnectionsPerAddress: number;
  /** Largest body of the browser forms (sign-in, consent, device, logout), bytes; at most bodyLimit. */
  readonly pageBodyLimit: number;
}

export interface TokensConfig {
  /** Lifetime of an RFC 9068 access token, seconds. */
  readonly accessTokenLifetime: number;
  /** Lifetime of an ID token, seconds. */
  readonly idTokenLifetime: number;
  /** The algorithm access tokens are signed with; one of keys.algorithms. */
  readonly accessTokenAlg: JwsAlgorithm;
  /** A refresh token unused this long (seconds) expires; each rotation restarts it. */
  readonly refreshTokenIdleLifetime: number;
  /** A refresh token family ends this long (seconds) after the sign-in, however often it is rotated. */
  readonly refreshTokenAbsoluteLifetime: number;
  /** RFC 9449 §8: every DPoP proof must carry a server nonce. */
  readonly dpopRequireNonce: boolean;
}

export interface MetricsConfig {
  readonly host: string;
  /** Undefined: no metrics listener. 0: any free port. */
  readonly port: number | undefined;
}

export interface ClientsConfig {
  /** How long (seconds) a client registration read on the token path is kept in memory. */
  readonly cacheTtl: number;
  /**
   * Trust policies for Client ID Metadata Documents: a client_id URL whose host one of them matches is
   * admitted, with that policy's scopes and resources. None (the default): CIMD is off.
   */
  readonly metadataDocuments: readonly ClientPolicy[];
}

export interface RegistrationConfig {
  /** `disabled` (no endpoint), `token` (an initial access token per registration) or `open` (rate-limited). */
  readonly mode: RegistrationMode;
  /** Scopes every dynamically registered client may be granted (the policy decides, not the client). */
  readonly scopes: readonly string[];
  /** RFC 8707 resources every dynamically registered client may ask tokens for. */
  readonly resources: readonly string[];
  /** Grant types a client may register. */
  readonly grantTypes: readonly string[];
  /** Open registrations allowed per client address per hour. */
  readonly rateLimit: number;
  /** A dynamically registered client with no grant and no refresh token this long (seconds) is deleted. */
  readonly unusedClientLifetime: number;
  /** Whose software statements (RFC 7591 §2.3) are accepted; none: every statement is refused. */
  readonly softwareStatementIssuers: readonly SoftwareStatementIssuer[];
}

export interface OutboundConfig {
  /**
   * Address ranges (CIDR) outbound requests may reach although they are loopback, private or
   * link-local; none by default. `127.0.0.1/32` for tests and development.
   */
  readonly allowedAddresses: readonly string[];
  /** Deadline of one outbound request, seconds. */
  readonly timeout: number;
}

export interface AdminApiConfig {
  /** Off: no route under /admin/api, and its modules (~25 MB resident) are never loaded. */
  readonly enabled: boolean;
  /** Requests per minute one token subject (admin user or service client) may make, across instances. */
  readonly requestsPerMinute: number;
}

export interface DeviceConfig {
  /** Lifetime of a device code and its user code, seconds (RFC 8628 §3.2 `expires_in`). */
  readonly codeLifetime: number;
  /** Least seconds between two polls of the token endpoint (RFC 8628 §3.2 `interval`). */
  readonly interval: number;
  /** Device authorizations a client may start per minute, from anywhere (checklist L3). */
  readonly authorizationsPerClient: number;
  /** Device authorizations one client address may start per minute, for any client (checklist L3). */
  readonly authorizationsPerAddress: number;
}

export interface SessionConfig {
  /** Absolute lifetime of a provider session from sign-in, seconds. */
  readonly lifetime: number;
  /** Seconds without a request to the provider's pages after which a session ends; unset: never. */
  readonly idleTimeout: number | undefined;
}

export interface PasswordsConfig {
  /** Fewest characters (Unicode code points) of a new password; 8 to 64, default 12. */
  readonly minLength: number;
}

export interface AuthorizationConfig {
  /** Lifetime of an authorization code, seconds (at most 60: checklist A2). */
  readonly codeLifetime: number;
  /** Lifetime of a pushed authorization request's `request_uri`, seconds (RFC 9126 §2.2). */
  readonly pushedRequestLifetime: number;
  /** Every authorization request must be pushed first (RFC 9126 §5). */
  readonly requirePushedRequests: boolean;
}

export interface UiConfig {
  readonly productName: string;
  /** An https URL (or http on loopback) of the logo; undefined shows the product name alone. */
  readonly logoUrl: string | undefined;
  /** `#rgb` or `#rrggbb`: buttons, links and focus rings. */
  readonly primaryColor: string;
}

/** What may be overridden (CLI flags): any subset, nested for `keys` and `logging`. */
export type ProviderConfigOverrides = Partial<
  Omit<
    ProviderConfig,
    | 'issuerFollowsPort'
    | 'keys'
    | 'logging'
    | 'session'
    | 'authorization'
    | 'ui'
    | 'tokens'
    | 'device'
    | 'clients'
    | 'adminApi'
    | 'metrics'
    | 'passwords'
    | 'registration'
    | 'audit'
    | 'selfRegistration'
    | 'http'
    | 'outbound'
    | 'mfa'
  >
> & {
  readonly keys?: Partial<KeysConfig>;
  readonly logging?: Partial<ProviderConfig['logging']>;
  readonly session?: Partial<SessionConfig>;
  readonly authorization?: Partial<AuthorizationConfig>;
  readonly ui?: Partial<UiConfig>;
  readonly tokens?: Partial<TokensConfig>;
  readonly device?: Partial<DeviceConfig>;
  readonly metrics?: Partial<MetricsConfig>;
  readonly clients?: Partial<ClientsConfig>;
  readonly adminApi?: Partial<AdminApiConfig>;
  readonly passwords?: Partial<PasswordsConfig>;
  readonly registration?: Partial<RegistrationConfig>;
  readonly audit?: Partial<AuditConfig>;
  readonly selfRegistration?: Partial<SelfRegistrationConfig>;
  readonly http?: Partial<HttpConfig>;
  readonly outbound?: Partial<OutboundConfig>;
  readonly mfa?: Partial<MfaConfig>;
};
