import type { FastifyReply } from 'fastify';
import type { ProviderConfig } from '../config/types.js';
import type { Federation } from '../connectors/federation.js';
import {
  createIdTokenHintVerifier,
  type IdTokenHintVerifier,
} from '../endpoints/authorize/check-id-token-hint.js';
import { ACCOUNT_PATHS, ENDPOINT_PATHS, issuerBasePath } from '../endpoints/paths.js';
import type { KeyManager } from '../keys/key-manager.js';
import { createFactorSecretSealer, type FactorSecretSealer } from '../keys/sealing.js';
import type { Clock } from '../lib/clock.js';
import { createSecondFactors, type LoginFactor, type SecondFactor } from '../login/factors/index.js';
import { relyingPartyOf, type WebAuthnRelyingParty } from '../login/factors/webauthn.js';
import {
  ACCOUNT_POLICY,
  createStoreRateLimiter,
  IP_POLICY,
  type RateLimiter,
} from '../login/rate-limiter.js';
import { createUsernameDigest, type UsernameDigest } from '../login/username-digest.js';
import { type BrowserBinding, createBrowserBinding } from '../sessions/browser-binding.js';
import { createSessionManager, type SessionManager } from '../sessions/session-manager.js';
import type { ProviderStores } from '../store/types.js';
import { pageCsp } from '../ui/csp.js';
import { errorPage } from '../ui/pages/error.js';
import type { AccountLinks } from '../ui/pages/login.js';
import { sendPage } from '../ui/send-page.js';
import { createTheme, type Theme, withImageSources } from '../ui/theme.js';
import {
  type BrowserBound,
  type BrowserBoundSealer,
  createBrowserBoundSealer,
} from './browser-bound-sealer.js';
import { createInteractionSealer, type InteractionSealer } from './interaction.js';
import type { PendingSignIn } from './next-step.js';

/** The account page's sign-in between the password and the second factor. */
export interface PendingAccountSignIn extends BrowserBound {
  readonly pending: PendingSignIn;
}

/** The stores the sign-in flow reads and writes. */
export type SignInStores = Pick<
  ProviderStores,
  | 'clients'
  | 'users'
  | 'sessions'
  | 'consents'
  | 'grants'
  | 'authorizationCodes'
  | 'audit'
  | 'throttles'
  | 'emailLinks'
  | 'groups'
  | 'clientRegistrations'
  | 'pushedRequests'
  | 'identities'
  | 'factors'
  | 'replayCache'
>;

/**
 * Everything /authorize, /login and /consent share, built once per app from its dependencies: the
 * paths, the theme, sessions, the browser binding (CSRF), the interaction sealer and the rate limits.
 */
export interface SignInContext {
  readonly issuer: string;
  readonly issuerOrigin: string;
  readonly basePath: string;
  readonly paths: {
    readonly authorization: string;
    readonly login: string;
    readonly consent: string;
    /** The second-factor page of a sign-in (login/second-factor). */
    readonly secondFactor: string;
    /** Username-less sign-in with a passkey (login/passkey). */
    readonly passkeyLogin: string;
    /** Resumes a request once the person enrolled the factor it requires (login/enrolled). */
    readonly enrolled: string;
    /** The account page, where factors are enrolled. */
    readonly account: string;
  };
  readonly stores: SignInStores;
  readonly clock: Clock;
  readonly random: (n: number) => Buffer;
  readonly codeLifetime: number;
  /** RFC 9126 §5: every authorization request must be pushed first (config). */
  readonly requirePushedRequests: boolean;
  readonly theme: Theme;
  readonly sessions: SessionManager;
  readonly browser: BrowserBinding;
  readonly interactions: InteractionSealer;
  readonly idTokenHint: IdTokenHintVerifier;
  readonly limits: { readonly account: RateLimiter; readonly ip: RateLimiter };
  /** Recorded for a failed sign-in's username when it names no account. */
  readonly usernameDigest: UsernameDigest;
  /** Default: the password factor. */
  readonly factor?: LoginFactor;
  /** The factors asked for after the password (login/factors/index.ts). */
  readonly secondFactors: readonly SecondFactor[];
  /** Second-factor attempts per user (F1, L1). */
  readonly secondFactorLimit: RateLimiter;
  /** Carries a half-done sign-in of the account page (password right, second factor to come). */
  readonly accountSignIns: BrowserBoundSealer<PendingAccountSignIn>;
  /** WebAuthn's relying party: RP ID and origin from the issuer. */
  readonly relyingParty: WebAuthnRelyingParty;
  /** Seals factor secrets (TOTP seeds) under LATCHKEY_SECRET (F3). */
  readonly factorSealer: FactorSecretSealer;
  /** config.mfa.default: for clients that do not set `mfa`. */
  readonly mfaDefault: 'optional' | 'required';
  /** The links under every sign-in form: password reset (with email) and registration (when on). */
  readonly accountLinks: AccountLinks;
  /** Other identity providers (config `connectors`): their buttons on the sign-in pages, and the round trip. */
  readonly federation?: Federation;
}

export interface SignInContextDeps {
  readonly config: ProviderConfig;
  readonly stores: SignInStores;
  readonly keyManager: Pick<KeyManager, 'jwks' | 'algorithms'>;
  readonly clock: Clock;
  readonly random: (n: number) => Buffer;
  /** The decoded LATCHKEY_SECRET: seals interactions and keys the CSRF tokens. */
  readonly secret: Uint8Array;
  /** Default: counted in the database, shared by every instance (see login/rate-limiter.ts). */
  readonly limits?: { readonly account: RateLimiter; readonly ip: RateLimiter };
  /** Default: counted in the database per user, ACCOUNT_POLICY. */
  readonly secondFactorLimit?: RateLimiter;
  /** Default: the password factor (login/factors). */
  readonly factor?: LoginFactor;
  /** Default: built from config.ui (the app passes the one every page shares). */
  readonly theme?: Theme;
  readonly federation?: Federation;
}

export function createSignInContext(deps: SignInContextDeps): SignInContext {
  const { config } = deps;
  const basePath = issuerBasePath(config.issuer);
  const secure = config.issuer.startsWith('https:');
  return {
    issuer: config.issuer,
    issuerOrigin: new URL(config.issuer).origin,
    basePath,
    paths: {
      authorization: basePath + ENDPOINT_PATHS.authorization,
      login: basePath + ENDPOINT_PATHS.login,
      consent: basePath + ENDPOINT_PATHS.consent,
      secondFactor: basePath + ENDPOINT_PATHS.secondFactor,
      passkeyLogin: basePath + ENDPOINT_PATHS.passkeyLogin,
      enrolled: basePath + ENDPOINT_PATHS.enrolled,
      account: basePath + ACCOUNT_PATHS.page,
    },
    stores: deps.stores,
    clock: deps.clock,
    random: deps.random,
    // Runtime settings (settings/): read from the live config section at each use.
    get codeLifetime() {
      return config.authorization.codeLifetime;
    },
    requirePushedRequests: config.authorization.requirePushedRequests,
    theme: withConnectorLogos(deps.theme ?? createTheme(config.ui, basePath), config.connectors),
    sessions: createSessionManager({
      store: deps.stores.sessions,
      clock: deps.clock,
      random: deps.random,
      get lifetime() {
        return config.session.lifetime;
      },
      idleTimeout: config.session.idleTimeout,
      secure,
    }),
    browser: createBrowserBinding({ secret: deps.secret, secure, random: deps.random }),
    interactions: createInteractionSealer(deps.secret, deps.random),
    accountSignIns: createBrowserBoundSealer(deps.secret, deps.random, 'account sign-in'),
    idTokenHint: createIdTokenHintVerifier({
      issuer: config.issuer,
      jwks: () => deps.keyManager.jwks(),
      algorithms: deps.keyManager.algorithms,
    }),
    accountLinks: {
      forgotPassword: config.email === undefined ? undefined : basePath + ACCOUNT_PATHS.forgotPassword,
      get register() {
        return config.selfRegistration.enabled ? basePath + ACCOUNT_PATHS.register : undefined;
      },
    },
    limits: deps.limits ?? {
      account: createStoreRateLimiter(deps.stores.throttles, ACCOUNT_POLICY, 'sign-in-account'),
      ip: createStoreRateLimiter(deps.stores.throttles, IP_POLICY, 'sign-in-ip'),
    },
    usernameDigest: createUsernameDigest(deps.secret),
    ...secondFactorParts(deps),
    mfaDefault: config.mfa.default,
    ...(deps.factor ? { factor: deps.factor } : {}),
    ...(deps.federation ? { federation: deps.federation } : {}),
  };
}

function secondFactorParts(deps: SignInContextDeps) {
  const factorSealer = createFactorSecretSealer(deps.secret, deps.random);
  const { id, origin, available } = relyingPartyOf(deps.config.issuer, deps.config.ui.productName);
  // The name authenticators show follows the runtime setting ui.productName.
  const relyingParty = {
    id,
    origin,
    available,
    get name() {
      return deps.config.ui.productName;
    },
  };
  return {
    factorSealer,
    relyingParty,
    secondFactors: createSecondFactors({
      factors: deps.stores.factors,
      sealer: factorSealer,
      replayCache: deps.stores.replayCache,
      audit: deps.stores.audit,
      relyingParty,
    }),
    secondFactorLimit:
      deps.secondFactorLimit ??
      createStoreRateLimiter(deps.stores.throttles, ACCOUNT_POLICY, 'second-factor-user'),
  };
}

/** A local error page (never a redirect): for requests whose client or redirect URI is not trusted. */
export function sendErrorPage(
  context: SignInContext,
  reply: FastifyReply,
  error: {
    readonly status: number;
    readonly title: string;
    readonly message: string;
    readonly code?: string;
  },
): FastifyReply {
  return sendPage(reply, {
    status: error.status,
    body: errorPage(context.theme, error),
    csp: pageCsp({ imageSources: context.theme.imageSources }),
  });
}

/** The sign-in pages show the connectors' logos: their origins join the CSP img-src. */
function withConnectorLogos(theme: Theme, connectors: ProviderConfig['connectors']): Theme {
  const origins = connectors.flatMap((c) => (c.logoUrl === undefined ? [] : [new URL(c.logoUrl).origin]));
  return origins.length === 0 ? theme : withImageSources(theme, origins);
}
