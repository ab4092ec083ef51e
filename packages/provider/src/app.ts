import Fastify, { type FastifyError, type FastifyInstance, LogController } from 'fastify';
import type { pino } from 'pino';
import { DEFAULT_LINK_LIFETIME } from './account/email-links.js';
import { registerAccount } from './account/index.js';
import { createSendLimits } from './account/send-limits.js';
import { withAuditLog } from './audit/logged-audit-store.js';
import { createSignInContext } from './authorization/context.js';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from './client-auth/index.js';
import { withPrivateKeyJwt } from './client-auth/private-key-jwt.js';
import { createCachedClientStore } from './clients/cache.js';
import { resolveSecret } from './config/secret.js';
import type { ProviderConfig } from './config/types.js';
import { createFederation } from './connectors/federation.js';
import { registerPasswordConnectors } from './connectors/password-routes.js';
import { registerConnectors } from './connectors/routes.js';
import { createSmtpMailer, type Mailer } from './email/mailer.js';
import { createIdTokenHintReader } from './endpoints/authorize/check-id-token-hint.js';
import { registerAuthorization } from './endpoints/authorize/index.js';
import { registerConsent } from './endpoints/consent/index.js';
import { registerDevicePage } from './endpoints/device/index.js';
import { registerDeviceAuthorization } from './endpoints/device-authorization/index.js';
import { registerDiscovery } from './endpoints/discovery/index.js';
import { registerEndSession } from './endpoints/end-session/index.js';
import { registerHealth } from './endpoints/health/index.js';
import { registerIntrospection } from './endpoints/introspection/index.js';
import { createTokenInspector } from './endpoints/introspection/inspect-token.js';
import { registerJwks } from './endpoints/jwks/index.js';
import { registerLogin } from './endpoints/login/index.js';
import { ENDPOINT_PATHS, issuerBasePath } from './endpoints/paths.js';
import { registerRevocation } from './endpoints/revocation/index.js';
import { registerTokenEndpoint } from './endpoints/token/index.js';
import { registerUserInfo } from './endpoints/userinfo/index.js';
import {
  errorResponse,
  InvalidRequest,
  MethodNotAllowed,
  NotFound,
  OAuthError,
  RequestTooLarge,
  ServerError,
  TemporarilyUnavailable,
  UnsupportedMediaType,
} from './errors/index.js';
import { GRANTS, type GrantDefinition } from './grants/index.js';
import type { KeyManager } from './keys/key-manager.js';
import { type Clock, systemClock } from './lib/clock.js';
import { createLogger } from './lib/create-logger.js';
import { isDatabaseUnavailable, RETRY_AFTER_SECONDS } from './lib/database-unavailable.js';
import { registerFormParser } from './lib/form-parser.js';
import { lazyChildLogger } from './lib/lazy-child-logger.js';
import { secureRandomBytes } from './lib/random.js';
import { securityHeaders } from './lib/security-headers.js';
import { createRequestRateLimiter } from './limits/request-rate.js';
import type { LoginFactor } from './login/factors/index.js';
import type { RateLimiter } from './login/rate-limiter.js';
import { createBackChannelLogout } from './logout/back-channel.js';
import { type DeliverySettings, defaultDeliveryIo } from './logout/deliver.js';
import { createLogout } from './logout/log-out.js';
import { instrumentStores } from './metrics/instrument-stores.js';
import type { ProviderMetrics } from './metrics/provider-metrics.js';
import { registerRequestMetrics } from './metrics/request-hooks.js';
import type { ProviderStores } from './store/types.js';
import { createAccessTokenVerifier, createTokenIssuer, userinfoAudience } from './tokens/index.js';
import { createRefreshTokens } from './tokens/refresh-token.js';
import { registerUiAssets } from './ui/assets.js';

export interface ProviderAppDeps {
  readonly config: ProviderConfig;
  readonly stores: Pick<
    ProviderStores,
    | 'ping'
    | 'clients'
    | 'users'
    | 'grants'
    | 'authorizationCodes'
    | 'audit'
    | 'sessions'
    | 'consents'
    | 'refreshTokens'
    | 'deviceCodes'
    | 'replayCache'
    | 'throttles'
    | 'emailLinks'
    | 'requestRates'
    | 'identities'
  >;
  readonly keyManager: Pick<KeyManager, 'jwks' | 'isReady' | 'algorithms' | 'signingKey'>;
  /** Reserved for endpoints that read the time (tokens, codes); injected so tests freeze it. */
  readonly clock?: Clock;
  /** Default: a pino logger at config.logging.level, with redaction. */
  readonly logger?: pino.Logger;
  /** Default: the registries in grants/ and client-auth/. */
  readonly grants?: readonly GrantDefinition[];
  readonly authMethods?: readonly ClientAuthMethod[];
  /** Default: global fetch. Reads the jwks_uri of private_key_jwt clients and sends back-channel logouts. */
  readonly fetch?: typeof fetch;
  /** Back-channel logout delivery: attempts, timeout and backoff (default logout/deliver.ts), and the waits between retries. */
  readonly backChannel?: {
    readonly settings?: DeliverySettings;
    readonly delay?: (ms: number) => Promise<void>;
    readonly timeoutSignal?: (ms: number) => AbortSignal;
  };
  /** Default: the CSPRNG, batched (lib/random.ts): session ids, codes, CSRF cookies, jti. */
  readonly random?: (n: number) => Buffer;
  /**
   * The decoded LATCHKEY_SECRET (seals pending authorization requests, keys CSRF tokens). Default:
   * config.secret, or the development secret in dataDir — what startProvider's key manager uses.
   */
  readonly secret?: Uint8Array;
  /** Default: login rate limits counted in the database, shared by a cluster (login/rate-limiter.ts). */
  readonly loginLimits?: { readonly account: RateLimiter; readonly ip: RateLimiter };
  /** Default: the password factor (login/factors). Tests count the checks through it (L1). */
  readonly loginFactor?: LoginFactor;
  /** Prometheus metrics (metrics/provider-metrics.ts). Default: none, and no hook on the request path. */
  readonly metrics?: ProviderMetrics;
  /** Email delivery. Default: SMTP from config.email (none when it is not configured). */
  readonly mailer?: Mailer;
}

/**
 * The provider's HTTP app. Every dependency comes in through `deps` (DESIGN rule 4); nothing is read
 * from globals. Call `.listen()` or `.inject()` on the result.
 */
export function createProviderApp(deps: ProviderAppDeps): FastifyInstance {
  const { config } = deps;
  const app = Fastify({
    loggerInstance: deps.logger ?? createLogger(config.logging.level),
    // Two log lines per request cost ~30% of a cheap endpoint's throughput; opt-in (docs/ARCHITECTURE.md).
    logController: new LogController({ disableRequestLogging: !config.logging.requests }),
    childLoggerFactory: lazyChildLogger,
    bodyLimit: config.bodyLimit,
    // X-Forwarded-For is believed only from configured proxies (request.ip feeds the per-IP limits).
    trustProxy: config.trustedProxies.length > 0 ? [...config.trustedProxies] : false,
    // Rule 9: bounded input everywhere, also in the URL and headers.
    routerOptions: { maxParamLength: 200 },
    return503OnClosing: true,
    // No route declares a JSON schema: parameters are read by named checks (DESIGN rule 3). Without
    // this, Fastify loads ajv and fast-json-stringify at start (~85 modules, ~10 MB resident) for nothing.
    schemaController: {
      compilersFactory: { buildValidator: noSchemaCompiler, buildSerializer: noSchemaCompiler },
    },
  }) as unknown as FastifyInstance;

  registerFormParser(app);
  if (deps.metrics) registerRequestMetrics(app, deps.metrics);
  // Every audit event also goes to the structured log (and is counted); store calls are timed.
  const audited = { ...deps.stores, audit: withAuditLog(deps.stores.audit, app.log, deps.metrics) };
  const stores = deps.metrics ? instrumentStores(audited, deps.metrics) : audited;

  const headers = Object.entries(securityHeaders({ https: config.issuer.startsWith('https:') }));
  app.addHook('onSend', async (_request, reply, payload) => {
    // A page may set a stricter or page-specific value (its own CSP); everything else gets the default.
    for (const [name, value] of headers) if (!reply.hasHeader(name)) reply.header(name, value);
    return payload;
  });

  app.setNotFoundHandler((request, reply) => {
    const error = new NotFound(
      `No endpoint at ${request.method} ${new URL(request.url, 'http://x').pathname}`,
    );
    const response = errorResponse(error);
    return reply.code(response.status).headers(response.headers).send(response.body);
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const wire = toWireError(error);
    if (wire.status === 503)
      request.log.warn({ err: { message: error.message, code: error.code } }, 'database unavailable');
    else if (wire.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ error: wire.error, debug: wire.debug }, 'request rejected');
    const response = errorResponse(wire);
    // RFC 9110 §10.2.3: tell clients (and load balancers) when to try again; the pool reconnects by itself.
    if (response.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
    return reply.code(response.status).headers(response.headers).send(response.body);
  });

  const clock = deps.clock ?? systemClock;
  const grants = deps.grants ?? GRANTS;
  const authMethods = withPrivateKeyJwt(deps.authMethods ?? CLIENT_AUTH_METHODS, {
    issuer: config.issuer,
    tokenEndpoint: config.issuer + ENDPOINT_PATHS.token,
    replayCache: stores.replayCache,
    now: clock,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });

  registerDiscovery(app, {
    issuer: config.issuer,
    signingAlgorithms: deps.keyManager.algorithms,
    grants,
    authMethods,
    maxAge: config.keys.jwksMaxAge,
    endpoints: {
      authorization: config.issuer + ENDPOINT_PATHS.authorization,
      token: config.issuer + ENDPOINT_PATHS.token,
      userinfo: config.issuer + ENDPOINT_PATHS.userinfo,
      introspection: config.issuer + ENDPOINT_PATHS.introspection,
      revocation: config.issuer + ENDPOINT_PATHS.revocation,
      deviceAuthorization: config.issuer + ENDPOINT_PATHS.deviceAuthorization,
      endSession: config.issuer + ENDPOINT_PATHS.endSession,
    },
  });
  // The token path reads clients from memory (client_credentials then touches no database at all).
  const clients = createCachedClientStore(stores.clients, { ttl: config.clients.cacheTtl, now: clock });
  const refreshTokens = createRefreshTokens({
    store: stores.refreshTokens,
    settings: config.tokens,
    ...(deps.random ? { random: deps.random } : {}),
  });
  registerTokenEndpoint(app, {
    issuer: config.issuer,
    clients,
    grants,
    authMethods,
    ...(deps.metrics ? { onIssued: deps.metrics.tokenIssued } : {}),
    services: {
      stores,
      now: clock,
      refreshTokens,
      tokens: createTokenIssuer({
        settings: { issuer: config.issuer, ...config.tokens },
        signingKey: (alg) => deps.keyManager.signingKey(alg),
        now: clock,
      }),
    },
  });
  registerUserInfo(app, {
    issuer: config.issuer,
    stores,
    verifyAccessToken: createAccessTokenVerifier({
      issuer: config.issuer,
      audience: userinfoAudience(config.issuer),
      jwks: () => deps.keyManager.jwks(),
      algorithms: deps.keyManager.algorithms,
      now: clock,
    }),
  });
  const inspectToken = createTokenInspector({
    verifyAccessToken: createAccessTokenVerifier({
      issuer: config.issuer,
      audience: undefined,
      requireGrant: false,
      jwks: () => deps.keyManager.jwks(),
      algorithms: deps.keyManager.algorithms,
      now: clock,
    }),
    refreshTokens,
    grants: stores.grants,
  });
  registerDeviceAuthorization(app, {
    issuer: config.issuer,
    clients,
    authMethods,
    deviceCodes: stores.deviceCodes,
    clock,
    random: deps.random ?? secureRandomBytes,
    settings: config.device,
    limits: {
      perClient: createRequestRateLimiter(
        stores.requestRates,
        config.device.authorizationsPerClient,
        'device-authorization-client',
      ),
      perAddress: createRequestRateLimiter(
        stores.requestRates,
        config.device.authorizationsPerAddress,
        'device-authorization-address',
      ),
    },
  });
  registerIntrospection(app, { issuer: config.issuer, clients, authMethods, inspectToken, now: clock });
  registerRevocation(app, {
    issuer: config.issuer,
    clients,
    authMethods,
    inspectToken,
    grants: stores.grants,
    audit: stores.audit,
    now: clock,
  });
  const secret = deps.secret ?? resolveSecret(config).bytes;
  const federation =
    config.connectors.length === 0
      ? undefined
      : createFederation({
          connectors: config.connectors,
          issuer: config.issuer,
          basePath: issuerBasePath(config.issuer),
          secret,
          random: deps.random ?? secureRandomBytes,
          clock,
          fetch: deps.fetch ?? fetch,
        });
  const signIn = createSignInContext({
    config,
    stores,
    keyManager: deps.keyManager,
    clock,
    random: deps.random ?? secureRandomBytes,
    secret,
    ...(federation ? { federation } : {}),
    ...(deps.loginLimits ? { limits: deps.loginLimits } : {}),
    ...(deps.loginFactor ? { factor: deps.loginFactor } : {}),
  });
  registerAuthorization(app, signIn);
  registerLogin(app, signIn);
  registerConsent(app, signIn);
  if (federation) {
    registerConnectors(app, signIn, federation);
    registerPasswordConnectors(app, signIn, federation);
    app.addHook('onClose', () => federation.close());
  }
  registerDevicePage(app, { signIn, deviceCodes: stores.deviceCodes });
  const io = defaultDeliveryIo(deps.fetch);
  const logout = createLogout({
    stores: { ...stores, clients },
    clock,
    logger: app.log,
    backChannel: createBackChannelLogout({
      issuer: config.issuer,
      signingKey: (alg) => deps.keyManager.signingKey(alg),
      now: clock,
      logger: app.log,
      ...(deps.random ? { random: deps.random } : {}),
      ...(deps.backChannel?.settings ? { settings: deps.backChannel.settings } : {}),
      io: {
        fetch: io.fetch,
        delay: deps.backChannel?.delay ?? io.delay,
        timeoutSignal: deps.backChannel?.timeoutSignal ?? io.timeoutSignal,
      },
    }),
  });
  registerEndSession(app, {
    signIn,
    clients,
    readHint: createIdTokenHintReader({
      issuer: config.issuer,
      jwks: () => deps.keyManager.jwks(),
      algorithms: deps.keyManager.algorithms,
    }),
    logout,
  });
  const mailer = deps.mailer ?? (config.email === undefined ? undefined : createSmtpMailer(config.email));
  registerAccount(app, {
    signIn,
    logout,
    registration: config.registration.enabled,
    mail:
      mailer === undefined
        ? undefined
        : {
            mailer,
            message: { productName: config.ui.productName, primaryColor: config.ui.primaryColor },
            linkLifetime: config.email?.linkLifetime ?? DEFAULT_LINK_LIFETIME,
            limits: createSendLimits(stores.throttles),
            logger: app.log,
          },
  });
  registerUiAssets(app, { basePath: signIn.basePath, theme: signIn.theme });
  registerJwks(app, {
    issuer: config.issuer,
    jwks: () => deps.keyManager.jwks(),
    maxAge: config.keys.jwksMaxAge,
  });
  registerHealth(app, {
    issuer: config.issuer,
    ping: () => stores.ping(),
    keysLoaded: () => deps.keyManager.isReady(),
  });
  return app;
}

function noSchemaCompiler(): never {
  throw new Error('Route schemas are not used by the provider; validate in named checks instead');
}

/**
 * Fastify's own errors (body too large, bad JSON, …) mapped to OAuth-shaped errors; a database that cannot
 * answer is a 503; anything else is a 500.
 */
function toWireError(error: FastifyError): OAuthError {
  if (error instanceof OAuthError) return error;
  if (isDatabaseUnavailable(error)) {
    return new TemporarilyUnavailable('The service is temporarily unavailable; try again shortly.');
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new RequestTooLarge('The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType('The request body has an unsupported content type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new InvalidRequest('The request body is malformed');
    default:
      if (error.statusCode === 405) return new MethodNotAllowed('Method not allowed');
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return new InvalidRequest('The request is malformed');
      }
      return new ServerError('The server could not complete the request.');
  }
}
