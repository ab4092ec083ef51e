import type { Socket } from 'node:net';
import Fastify, { type FastifyInstance, LogController } from 'fastify';
import type { pino } from 'pino';
import { DEFAULT_LINK_LIFETIME } from './account/email-links.js';
import { registerAccount } from './account/index.js';
import { createSendLimits } from './account/send-limits.js';
import { adminApiAudience, registerAdminApi } from './admin-api/index.js';
import { withAuditLog } from './audit/logged-audit-store.js';
import { createSignInContext } from './authorization/context.js';
import { CLIENT_AUTH_METHODS, type ClientAuthMethod } from './client-auth/index.js';
import { withPrivateKeyJwt } from './client-auth/private-key-jwt.js';
import { withWorkloadClientAssertions } from './client-auth/workload-assertion.js';
import { createCachedClientStore } from './clients/cache.js';
import { withClientSources } from './clients/client-sources.js';
import { endpointClients } from './clients/endpoint-view.js';
import { createMetadataDocumentSource } from './clients/metadata-document-source.js';
import { withUnrememberedConsents } from './clients/unremembered-consents.js';
import { isDevelopmentIssuer } from './config/development-issuer.js';
import { resolveSecret } from './config/secret.js';
import type { ProviderConfig } from './config/types.js';
import { createFederation } from './connectors/federation.js';
import { registerPasswordConnectors } from './connectors/password-routes.js';
import { registerConnectors } from './connectors/routes.js';
import { CONSOLE_PATHS, registerConsole } from './console/index.js';
import { registerDemo } from './demo/index.js';
import { createSenderConstraint } from './dpop/sender-constraint.js';
import { createSmtpMailer, type Mailer } from './email/mailer.js';
import { createIdTokenHintReader } from './endpoints/authorize/check-id-token-hint.js';
import { registerAuthorization } from './endpoints/authorize/index.js';
import { registerConsent } from './endpoints/consent/index.js';
import { registerDevicePage } from './endpoints/device/index.js';
import { registerDeviceAuthorization } from './endpoints/device-authorization/index.js';
import { registerDiscovery } from './endpoints/discovery/index.js';
import { registerEndSession } from './endpoints/end-session/index.js';
import { registerHealth } from './endpoints/health/index.js';
import { registerHome } from './endpoints/home/index.js';
import { registerIntrospection } from './endpoints/introspection/index.js';
import { createTokenInspector } from './endpoints/introspection/inspect-token.js';
import { registerJwks } from './endpoints/jwks/index.js';
import { registerLogin } from './endpoints/login/index.js';
import { registerPasskeyLogin } from './endpoints/passkey-login/index.js';
import { ENDPOINT_PATHS, issuerBasePath } from './endpoints/paths.js';
import { registerPushedAuthorization } from './endpoints/pushed-authorization/index.js';
import { registerRegistration } from './endpoints/registration/index.js';
import { registerRevocation } from './endpoints/revocation/index.js';
import { registerSecondFactor } from './endpoints/second-factor/index.js';
import { registerTokenEndpoint } from './endpoints/token/index.js';
import { registerUserInfo } from './endpoints/userinfo/index.js';
import { NotFound } from './errors/index.js';
import { GRANTS, type GrantDefinition } from './grants/index.js';
import { createMachineIdentityServices } from './grants/machine-identity.js';
import type { KeyManager } from './keys/key-manager.js';
import { addressMatcher } from './lib/address-list.js';
import { type Clock, systemClock } from './lib/clock.js';
import { guardConnections } from './lib/connection-guard.js';
import { createLogger } from './lib/create-logger.js';
import { createDocumentFastPath, documentsFirst } from './lib/document-fast-path.js';
import { createErrorAnswers, type ErrorAnswers } from './lib/error-answers.js';
import { createFormFastPath } from './lib/form-fast-path.js';
import { registerFormParser } from './lib/form-parser.js';
import { lazyChildLogger } from './lib/lazy-child-logger.js';
import { secureRandomBytes } from './lib/random.js';
import { requestIdSequence } from './lib/request-id.js';
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
import { asFetch } from './outbound/as-fetch.js';
import { createOutboundFetcher, type OutboundTestHooks } from './outbound/create.js';
import { createLiveSettings, type LiveSettings } from './settings/live.js';
import { markDatabaseOutages } from './store/mark-outages.js';
import type { ProviderStores } from './store/types.js';
import { createAccessTokenVerifier, createTokenIssuer, userinfoAudience } from './tokens/index.js';
import { createRefreshTokens } from './tokens/refresh-token.js';
import { registerUiAssets } from './ui/assets.js';
import { registerPageErrors, sendErrorPageFor } from './ui/page-route.js';
import { registerScripts } from './ui/scripts.js';
import { createTheme } from './ui/theme.js';

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
    | 'groups'
    | 'clientRegistrations'
    | 'initialAccessTokens'
    | 'pushedRequests'
    | 'identities'
    | 'factors'
    | 'settings'
  >;
  readonly keyManager: Pick<KeyManager, 'jwks' | 'isReady' | 'algorithms' | 'signingKey' | 'list' | 'rotate'>;
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
  /** The guarded fetcher's resolver and extra trust anchors (tests); default: the system's. */
  readonly outbound?: OutboundTestHooks;
  /**
   * The runtime settings (settings/): config with the administrators' overrides, kept current from the
   * database. Default: made here from config and the settings store, loaded when the app is ready.
   */
  readonly settings?: LiveSettings;
}

/**
 * The provider's HTTP app. Every dependency comes in through `deps` (DESIGN rule 4); nothing is read
 * from globals. Call `.listen()` or `.inject()` on the result.
 */
export function createProviderApp(deps: ProviderAppDeps): FastifyInstance {
  const settings =
    deps.settings ??
    createLiveSettings({
      configured: deps.config,
      store: deps.stores.settings,
      ...(deps.logger ? { logger: deps.logger } : {}),
    });
  // Everything below reads this one: its runtime sections change in place when an override does.
  const { config } = settings;
  // Assigned once the pages' theme exists; Fastify needs the callbacks at construction.
  let errors: ErrorAnswers | undefined;
  const security = securityHeaders({ https: config.issuer.startsWith('https:') });
  // Plain GETs of discovery and the JWKS (lib/document-fast-path.ts) and plain form POSTs to the token
  // endpoint (lib/form-fast-path.ts) are answered before Fastify, and counted as its hook counts
  // requests; not when every request is logged, so the access log stays whole.
  const metrics = deps.metrics;
  const nextRequestId = requestIdSequence();
  const documents = config.logging.requests
    ? undefined
    : createDocumentFastPath({
        securityHeaders: security,
        ...(metrics ? { onAnswered: (path, seconds) => metrics.request(path, 'GET', 200, seconds) } : {}),
      });
  const forms = config.logging.requests
    ? undefined
    : createFormFastPath({
        securityHeaders: security,
        // The token endpoint's limit: only the browser forms' routes get a smaller one (below).
        bodyLimit: config.bodyLimit,
        // Set before the app listens, so before any request arrives.
        errorAnswer: (thrown, log) => errors!.json(thrown, log),
        // Made only to log an error answer, bound as Fastify binds a request's logger.
        log: (request) => app.log.child({ reqId: nextRequestId(request) }),
        ...(metrics
          ? { onAnswered: (path, method, status, seconds) => metrics.request(path, method, status, seconds) }
          : {}),
      });
  const app = Fastify({
    ...(documents && forms ? { serverFactory: documentsFirst(documents, forms) } : {}),
    // One sequence of request ids for the requests Fastify handles and those answered before it.
    genReqId: nextRequestId,
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
    // Malformed URLs and the HTTP parser's errors (431, 400, 408) answer through the one error factory too.
    frameworkErrors: (error, request, reply) => errors?.reply(request, reply, error),
    clientErrorHandler: (error: Error, socket: Socket) => errors?.socket(error, socket),
    // No route declares a JSON schema: parameters are read by named checks (DESIGN rule 3). Without
    // this, Fastify loads ajv and fast-json-stringify at start (~85 modules, ~10 MB resident) for nothing.
    schemaController: {
      compilersFactory: { buildValidator: noSchemaCompiler, buildSerializer: noSchemaCompiler },
    },
  }) as unknown as FastifyInstance;
  // Overrides are loaded before the first request, then checked for changes every few seconds.
  app.addHook('onReady', () => settings.start());
  app.addHook('onClose', async () => settings.stop());
  if (documents && forms)
    app.addHook('preClose', (done) => {
      documents.stop();
      forms.stop();
      done();
    });

  // Checklist L2: slow headers and bodies are cut off, and one address cannot hold every connection.
  guardConnections(app.server, {
    headersTimeout: config.http.headersTimeout * 1000,
    requestTimeout: config.http.requestTimeout * 1000,
    keepAliveTimeout: config.http.keepAliveTimeout * 1000,
    idleTimeout: config.http.idleTimeout * 1000,
    maxConnectionsPerAddress: config.http.maxConnectionsPerAddress,
    // A load balancer carries many clients' connections from its one address.
    exempt: addressMatcher(config.trustedProxies),
  });
  // Per route: the browser forms (a sealed request, a CSRF token, a username and password) are small, so
  // they take far less than the API endpoints' bodyLimit.
  const base = issuerBasePath(config.issuer);
  const pageForms = new Set(PAGE_FORM_PATHS.map((path) => base + path));
  app.addHook('onRoute', (route) => {
    if (pageForms.has(route.url)) route.bodyLimit = config.http.pageBodyLimit;
  });
  registerFormParser(app);
  if (deps.metrics) registerRequestMetrics(app, deps.metrics);
  // Every audit event also goes to the structured log (and is counted); store calls are timed.
  const audited = withAuditLog(deps.stores, app.log, deps.metrics);
  // Outermost: whatever an endpoint does with a store error, a database outage stays recognisable as one.
  const stores = markDatabaseOutages(deps.metrics ? instrumentStores(audited, deps.metrics) : audited);

  const headers = Object.entries(security);
  // A callback hook, not an async one: every response passes here, and an async hook costs a promise
  // and a microtask turn per response for work that is synchronous.
  app.addHook('onSend', (_request, reply, payload, done) => {
    // A page may set a stricter or page-specific value (its own CSP); everything else gets the default.
    for (const [name, value] of headers) if (!reply.hasHeader(name)) reply.header(name, value);
    done(null, payload);
  });

  // Every page's look, and the error page of every route a browser navigates to (before any route).
  const basePath = issuerBasePath(config.issuer);
  const theme = createTheme(config.ui, basePath);
  registerPageErrors(app, theme);

  const clock = deps.clock ?? systemClock;
  const grants = deps.grants ?? GRANTS;
  const outbound = createOutboundFetcher(config.outbound, clock, deps.outbound);
  // One machine-identity service set: the jwt-bearer grant and workload client assertions share its
  // verifier of workload assertions (key sets, and one jti space so an assertion is used once in all).
  const machine = createMachineIdentityServices({
    config,
    jwks: () => deps.keyManager.jwks(),
    algorithms: deps.keyManager.algorithms,
    replayCache: stores.replayCache,
    now: clock,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });
  const keyedAuthMethods = withPrivateKeyJwt(deps.authMethods ?? CLIENT_AUTH_METHODS, {
    issuer: config.issuer,
    tokenEndpoint: config.issuer + ENDPOINT_PATHS.token,
    replayCache: stores.replayCache,
    now: clock,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
    guardedFetch: asFetch(outbound, {
      accept: ['application/json', 'application/jwk-set+json'],
      maxBytes: 65_536,
    }),
  });
  const authMethods = withWorkloadClientAssertions(keyedAuthMethods, {
    assertions: machine.workloadAssertions,
    issuer: config.issuer,
    tokenEndpoint: config.issuer + ENDPOINT_PATHS.token,
    now: clock,
  });

  // Every client lookup sees registered clients first, then metadata documents (clients/client-sources.ts).
  const clientSources = [
    createMetadataDocumentSource({
      fetcher: outbound,
      policies: config.clients.metadataDocuments,
      now: clock,
    }),
  ];
  const secret = deps.secret ?? resolveSecret(config).bytes;
  const dpop = createSenderConstraint({
    issuer: config.issuer,
    replayCache: stores.replayCache,
    now: clock,
    secret,
    requireNonce: config.tokens.dpopRequireNonce,
  });
  registerDiscovery(app, {
    dpopSigningAlgorithms: dpop.algorithms,
    requirePushedRequests: config.authorization.requirePushedRequests,
    issuer: config.issuer,
    clientIdMetadataDocumentSupported: config.clients.metadataDocuments.length > 0,
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
      pushedAuthorization: config.issuer + ENDPOINT_PATHS.pushedAuthorization,
      endSession: config.issuer + ENDPOINT_PATHS.endSession,
      ...(config.registration.mode === 'disabled'
        ? {}
        : { registration: config.issuer + ENDPOINT_PATHS.registration }),
    },
  });
  // The token path reads clients from memory (client_credentials then touches no database at all).
  // Endpoints see disabled clients as unknown, and a rotated-out secret only during its overlap;
  // registered, dynamically registered and metadata-document clients answer the one lookup.
  const cachedClients = createCachedClientStore(stores.clients, { ttl: config.clients.cacheTtl, now: clock });
  const clients = endpointClients(withClientSources(cachedClients, clientSources), clock);
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
    dpop,
    ...(deps.metrics ? { onIssued: deps.metrics.tokenIssued } : {}),
    ...(forms ? { fastPath: forms } : {}),
    services: {
      stores,
      now: clock,
      refreshTokens,
      tokens: createTokenIssuer({
        // A view, not a copy: the lifetimes are runtime settings, read at each token.
        settings: {
          issuer: config.issuer,
          get accessTokenLifetime() {
            return config.tokens.accessTokenLifetime;
          },
          get idTokenLifetime() {
            return config.tokens.idTokenLifetime;
          },
          accessTokenAlg: config.tokens.accessTokenAlg,
        },
        signingKey: (alg) => deps.keyManager.signingKey(alg),
        now: clock,
      }),
      machine,
    },
  });
  registerUserInfo(app, {
    issuer: config.issuer,
    stores,
    clients,
    dpop,
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
  registerRegistration(app, {
    issuer: config.issuer,
    settings: config.registration,
    stores,
    grants,
    authMethods,
    clock,
    random: deps.random ?? secureRandomBytes,
    onClientChanged: (clientId) => cachedClients.invalidate(clientId),
  });
  registerPushedAuthorization(app, {
    issuer: config.issuer,
    clients,
    authMethods,
    pushedRequests: stores.pushedRequests,
    now: clock,
    random: deps.random ?? secureRandomBytes,
    lifetime: config.authorization.pushedRequestLifetime,
    dpop,
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
  const random = deps.random ?? secureRandomBytes;
  const federation =
    config.connectors.length === 0
      ? undefined
      : createFederation({
          connectors: config.connectors,
          issuer: config.issuer,
          basePath: issuerBasePath(config.issuer),
          secret,
          random,
          clock,
          fetch: deps.fetch ?? fetch,
        });
  const signIn = createSignInContext({
    config,
    stores: {
      ...stores,
      clients: endpointClients(withClientSources(stores.clients, clientSources), clock),
      consents: withUnrememberedConsents(stores.consents),
    },
    keyManager: deps.keyManager,
    clock,
    random,
    secret,
    theme,
    ...(federation ? { federation } : {}),
    ...(deps.loginLimits ? { limits: deps.loginLimits } : {}),
    ...(deps.loginFactor ? { factor: deps.loginFactor } : {}),
  });
  registerAuthorization(app, signIn);
  registerLogin(app, signIn);
  registerSecondFactor(app, signIn);
  registerPasskeyLogin(app, signIn);
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
    passwordPolicy: config.passwords,
    registration: config.selfRegistration,
    mail:
      mailer === undefined
        ? undefined
        : {
            mailer,
            message: {
              // A runtime setting: read at each message.
              get productName() {
                return config.ui.productName;
              },
              primaryColor: config.ui.primaryColor,
            },
            linkLifetime: config.email?.linkLifetime ?? DEFAULT_LINK_LIFETIME,
            limits: createSendLimits(stores.throttles),
            logger: app.log,
          },
  });
  registerConsole(app, {
    signIn,
    // Through this instance's client cache, so a change made in the console takes effect here at once.
    stores: { ...stores, clients: cachedClients },
    keys: deps.keyManager,
    jwks: () => deps.keyManager.jwks(),
    jwksMaxAge: config.keys.jwksMaxAge,
    logout,
    connectors: config.connectors,
    admin: { grants, authMethods, passwordPolicy: config.passwords },
    settings: { configured: settings.configured, live: settings },
    secret,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });
  registerUiAssets(app, { basePath: signIn.basePath, theme: signIn.theme });
  registerScripts(app, signIn.basePath);
  // "Try it in one minute" exists only on a development issuer (http on loopback).
  const development = isDevelopmentIssuer(config.issuer);
  const demo = development
    ? registerDemo(app, {
        issuer: config.issuer,
        basePath,
        theme,
        users: stores.users,
        secret,
        random,
        clock,
        ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
      })
    : undefined;
  registerHome(app, {
    issuer: config.issuer,
    basePath,
    theme,
    development,
    consolePath: CONSOLE_PATHS.overview,
    ...(demo ? { extra: () => demo.landingSection() } : {}),
  });
  const answers = createErrorAnswers({
    securityHeaders: security,
    log: app.log,
    errorPage: (reply, wire) => sendErrorPageFor(reply, theme, wire),
  });
  errors = answers;
  app.setNotFoundHandler((request, reply) => answers.reply(request, reply, new NotFound('Not found')));
  app.setErrorHandler((error, request, reply) => answers.reply(request, reply, error));
  // The admin API changes clients through the cache, so this instance sees a change at once.
  if (config.adminApi.enabled)
    registerAdminApi(app, basePath, {
      issuer: config.issuer,
      clock,
      context: {
        stores: { ...stores, clients: cachedClients },
        logout,
        keys: deps.keyManager,
        settings,
        options: { now: clock, random, grants, authMethods, passwordPolicy: config.passwords },
      },
      authorization: {
        audience: adminApiAudience(config.issuer),
        verify: createAccessTokenVerifier({
          issuer: config.issuer,
          audience: adminApiAudience(config.issuer),
          // A client's own token (client_credentials) has no grant; a user's grant is checked in authorize.ts.
          requireGrant: false,
          jwks: () => deps.keyManager.jwks(),
          algorithms: deps.keyManager.algorithms,
          now: clock,
        }),
        users: stores.users,
        groups: stores.groups,
        grants: stores.grants,
        clients,
      },
      limiter: createRequestRateLimiter(stores.requestRates, config.adminApi.requestsPerMinute, 'admin-api'),
      fallback: (request, reply, error) => answers.reply(request, reply, error),
    });
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

/** The routes that receive the browser's forms. */
const PAGE_FORM_PATHS = [
  ENDPOINT_PATHS.login,
  ENDPOINT_PATHS.consent,
  ENDPOINT_PATHS.device,
  ENDPOINT_PATHS.endSession,
] as const;

function noSchemaCompiler(): never {
  throw new Error('Route schemas are not used by the provider; validate in named checks instead');
}
