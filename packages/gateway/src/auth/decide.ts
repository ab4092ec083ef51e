import type { IncomingMessage } from 'node:http';
import {
  type BearerFailure,
  checkUserAuthentication,
  isJoseError,
  type JwtClaims,
  type UserAuthenticationRequirement,
} from '@latchkey/oidc';
import type { GatewayConfig, RouteConfig } from '../config/types.js';
import { evaluatePolicy } from '../policy/expression.js';
import type { Sessions } from '../session/manager.js';
import { type BearerChecks, forbiddenFailure, missingTokenFailure } from './bearer.js';
import { type Identity, identityFromClaims } from './identity.js';
import type { BrowserFlows } from './login.js';

/** What to do with a request on a route. */
export type Outcome =
  /** `viaSession`: the identity comes from a browser session (its answers are kept out of caches). */
  | { readonly kind: 'allow'; readonly identity: Identity | undefined; readonly viaSession?: boolean }
  /** API answer: 400/401/403/503 with a Bearer challenge. */
  | { readonly kind: 'bearer'; readonly failure: BearerFailure }
  /**
   * A browser without a session: sign in at this provider, then come back. With `stepUp`, the session's
   * sign-in is not enough for the route (RFC 9470): sign in again asking the provider for it.
   */
  | { readonly kind: 'login'; readonly provider: string; readonly stepUp?: UserAuthenticationRequirement }
  | { readonly kind: 'forbidden' };

export interface Decider {
  decide(req: IncomingMessage, route: RouteConfig, method: string, url: string): Promise<Outcome>;
  /**
   * The request must be allowed on every route a reading of its path matches (RouteTable.candidates,
   * checklist G2): the first refusal is the answer; allowed, it carries the first identity found, so a
   * route reached through a public reading still tells the upstream who is calling.
   */
  decideAll(
    req: IncomingMessage,
    routes: readonly RouteConfig[],
    method: string,
    url: string,
  ): Promise<Outcome>;
}

export interface DeciderDeps {
  readonly config: GatewayConfig;
  readonly bearer: BearerChecks;
  readonly sessions: Sessions;
  readonly flows: BrowserFlows;
  /** RFC 9728 metadata URL of a route. */
  readonly metadataUrl: (route: RouteConfig) => string;
  /** Epoch seconds, for a route's `maxAge`. */
  readonly now: () => number;
}

/**
 * The one decision both the proxy and `/_auth` use. A request carrying a Bearer token (or any request on
 * an `api` route) is judged by its token alone; otherwise by its session cookie. No header, agent or path
 * skips the check (checklist G4): only a route's `public` policy does.
 */
export function createDecider(deps: DeciderDeps): Decider {
  const providersById = new Map(deps.config.providers.map((p) => [p.id, p]));
  const metadataUrls = new WeakMap<RouteConfig, string>();
  const metadataUrlOf = (route: RouteConfig) => {
    let url = metadataUrls.get(route);
    if (url === undefined) {
      url = deps.metadataUrl(route);
      metadataUrls.set(route, url);
    }
    return url;
  };
  // The outcome for a verified token's claims on a route. The bearer check returns the same claims
  // object for as long as it keeps the token verified (never past `exp`), so a repeated token costs
  // neither a new identity nor a new policy evaluation; a token verified again is a new object.
  const tokenOutcomes = new WeakMap<object, { readonly route: RouteConfig; readonly outcome: Outcome }>();
  const tokenOutcome = (route: RouteConfig, claims: JwtClaims, authorization: readonly string[]) => {
    const known = tokenOutcomes.get(claims);
    if (known !== undefined && known.route === route) return known.outcome;
    const provider = deps.bearer.providerOf(claims, route);
    const identity = identityFromClaims(provider.id, claims, {
      groupsClaim: provider.groupsClaim,
      accessToken: bearerToken(authorization),
    });
    const decision = evaluatePolicy(route.policy, identity);
    const outcome: Outcome = decision.allow
      ? { kind: 'allow', identity }
      : {
          kind: 'bearer',
          failure: forbiddenFailure(
            decision.reason === 'forbidden' ? decision.scopes : [],
            metadataUrlOf(route),
          ),
        };
    tokenOutcomes.set(claims, { route, outcome });
    return outcome;
  };
  const decide: Decider['decide'] = async (req, route, method, url) => {
    if (route.policy.kind === 'public') return { kind: 'allow', identity: undefined };
    const metadataUrl = route.mode === 'browser' ? undefined : metadataUrlOf(route);
    const authorization = authorizationValues(req.rawHeaders);
    if (
      route.mode === 'api' ||
      (route.mode === 'both' && (authorization.some(isBearer) || /[?&]access_token=/.test(url)))
    ) {
      const result = await deps.bearer.for(
        route,
        metadataUrl!,
      )({
        authorization,
        url,
        method,
        dpopProofs: headerValues(req.rawHeaders, 'dpop'),
      });
      if (!result.ok) return { kind: 'bearer', failure: result };
      return tokenOutcome(route, result.claims, authorization);
    }
    const id = deps.flows.sessionIdOf(req);
    const session = id === undefined ? undefined : await deps.sessions.resolve(id);
    let identity: Identity | undefined;
    if (session !== undefined && route.providers.includes(session.provider)) {
      const provider = providersById.get(session.provider)!;
      identity = identityFromClaims(
        provider.id,
        {
          ...session.data.userinfo,
          ...session.data.claims,
          scope: session.data.scope ?? provider.scopes.join(' '),
        },
        { groupsClaim: provider.groupsClaim, accessToken: session.data.accessToken },
      );
    }
    const decision = evaluatePolicy(route.policy, identity);
    const required = route.userAuthentication;
    if (decision.allow && identity !== undefined && required !== undefined) {
      if (!meetsRequirement(session!.data.claims, required, deps.now())) {
        if (isNavigation(req, method)) {
          return { kind: 'login', provider: session!.provider, stepUp: required };
        }
        return { kind: 'bearer', failure: missingTokenFailure(metadataUrl) };
      }
    }
    if (decision.allow) return { kind: 'allow', identity, viaSession: identity !== undefined };
    if (decision.reason === 'forbidden') return { kind: 'forbidden' };
    if (isNavigation(req, method)) return { kind: 'login', provider: route.providers[0]! };
    return { kind: 'bearer', failure: missingTokenFailure(metadataUrl) };
  };
  return {
    decide,
    async decideAll(req, routes, method, url) {
      if (routes.length === 1) return decide(req, routes[0]!, method, url);
      let allowed: (Outcome & { kind: 'allow' }) | undefined;
      for (const route of routes) {
        const outcome = await decide(req, route, method, url);
        if (outcome.kind !== 'allow') return outcome;
        if (allowed?.identity === undefined) allowed = outcome;
      }
      return allowed!;
    },
  };
}

/** Whether a session's ID token claims meet a route's step-up requirement (the check of @latchkey/oidc). */
function meetsRequirement(claims: JwtClaims, required: UserAuthenticationRequirement, now: number): boolean {
  try {
    checkUserAuthentication(claims, required, now);
    return true;
  } catch (error) {
    if (isJoseError(error, 'ERR_JWT_INSUFFICIENT_USER_AUTHENTICATION')) return false;
    throw error;
  }
}

/** A top-level browser navigation: GET/HEAD asking for HTML. XHR and API clients get a 401 instead. */
function isNavigation(req: IncomingMessage, method: string): boolean {
  if (method !== 'GET' && method !== 'HEAD') return false;
  return (req.headers.accept ?? '').includes('text/html');
}

/** Every Authorization value (Node keeps only the first in req.headers; RFC 6750 §2 wants them all). */
export function authorizationValues(raw: readonly string[]): string[] {
  return headerValues(raw, 'authorization');
}

function headerValues(raw: readonly string[], lowerCaseName: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === lowerCaseName.length && raw[i]!.toLowerCase() === lowerCaseName)
      values.push(raw[i + 1]!);
  }
  return values;
}

/** Bearer (RFC 6750) or DPoP (RFC 9449 §7.1) credentials: judged by the token alone. */
function isBearer(value: string): boolean {
  return /^(bearer|dpop)(\s|$)/i.test(value);
}

function bearerToken(values: readonly string[]): string | undefined {
  const match = /^Bearer +(\S+)$/i.exec(values[0] ?? '');
  return match?.[1];
}
