import { ConsentRequired, LoginRequired, type OAuthError } from '../errors/index.js';
import type { SessionRecord } from '../store/types.js';
import type { AuthorizationRequest } from './request.js';

export type NextStep =
  | { readonly step: 'login' }
  | { readonly step: 'consent'; readonly session: SessionRecord }
  | { readonly step: 'issue'; readonly session: SessionRecord }
  | { readonly step: 'error'; readonly error: OAuthError };

export interface NextStepInput {
  readonly request: AuthorizationRequest;
  /** The browser's live session whose user may still sign in (not disabled), if any. */
  readonly session: SessionRecord | undefined;
  /** The scopes this user already granted this client (ConsentStore), if any. */
  readonly consentedScopes: readonly string[] | undefined;
  /** Claims the request asks for by name beyond its scopes' (claims/claims-to-consent.ts). */
  readonly namedClaims?: readonly string[];
  /** Those of namedClaims an earlier consent covers (by name, or through a consented scope). */
  readonly consentedClaims?: ReadonlySet<string>;
  readonly now: number;
  /** True right after the person signed in for this very request (the login form was just posted). */
  readonly justAuthenticated: boolean;
}

/**
 * What the authorization request needs next, from its parameters and the browser's state. One pure
 * function, so /authorize, the login POST and every test agree on the rules:
 * - authentication (OIDC Core §3.1.2.3): a session is needed; `prompt=login` or `select_account`, and a
 *   `max_age` older than auth_time (max_age=0 always), ask for a fresh one; an id_token_hint must name the
 *   session's user (§3.1.2.1);
 * - consent (§3.1.2.4): needed when a requested scope, or a claim asked for by name (§5.5) beyond the
 *   scopes, was never granted to this client, and always with `prompt=consent`;
 * - `prompt=none` turns either need into `login_required` / `consent_required` (§3.1.2.6).
 */
export function nextStep(input: NextStepInput): NextStep {
  const { request, session, now } = input;
  const silent = request.prompt.includes('none');
  const loginNeeded =
    session === undefined ||
    (!input.justAuthenticated && needsFreshLogin(request, session, now)) ||
    (request.idTokenHintSub !== undefined && request.idTokenHintSub !== session.userId);
  if (loginNeeded) {
    if (silent) return { step: 'error', error: new LoginRequired('The user is not signed in') };
    // Signed in just now, as somebody other than the id_token_hint names: asking again cannot help.
    if (input.justAuthenticated) {
      return {
        step: 'error',
        error: new LoginRequired('The signed-in user is not the one the id_token_hint names'),
      };
    }
    return { step: 'login' };
  }
  const granted = new Set(input.consentedScopes ?? []);
  const consentNeeded =
    request.prompt.includes('consent') ||
    request.scopes.some((s) => !granted.has(s)) ||
    (input.namedClaims ?? []).some((claim) => !input.consentedClaims?.has(claim));
  if (consentNeeded) {
    if (silent) return { step: 'error', error: new ConsentRequired('The user has not consented') };
    return { step: 'consent', session };
  }
  return { step: 'issue', session };
}

function needsFreshLogin(request: AuthorizationRequest, session: SessionRecord, now: number): boolean {
  if (request.prompt.includes('login') || request.prompt.includes('select_account')) return true;
  if (request.maxAge === undefined) return false;
  // OIDC Core §3.1.2.1: re-authenticate when the elapsed time is greater than max_age; max_age=0 is
  // prompt=login (the same second is not "fresh" for a request that asks for a new authentication).
  return request.maxAge === 0 || now - session.authTime > request.maxAge;
}
