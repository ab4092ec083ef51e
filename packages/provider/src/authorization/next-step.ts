import {
  ConsentRequired,
  InteractionRequired,
  LoginRequired,
  type OAuthError,
  UnmetAuthenticationRequirements,
} from '../errors/index.js';
import { type AcrRequirement, authenticationGap, NO_REQUIREMENT } from '../login/factors/policy.js';
import type { SessionRecord } from '../store/types.js';
import type { AuthorizationRequest } from './request.js';

/**
 * A sign-in made within this authorization request but not yet a session: the password was right and
 * a second factor is still to come (no session exists until the sign-in is complete), or a live
 * session's user is stepping up (`sid` names it).
 */
export interface PendingSignIn {
  readonly userId: string;
  /** RFC 8176 methods used so far. */
  readonly amr: readonly string[];
  /** Set when stepping up a live session: it must still be live when the factor is given. */
  readonly sid?: string;
}

export type NextStep =
  | { readonly step: 'login' }
  /** Ask for one of `methods` (enrolled factors), then continue from `pending` with it added. */
  | { readonly step: 'second-factor'; readonly pending: PendingSignIn; readonly methods: readonly string[] }
  /** The sign-in is complete: start the session (S3: a new id) and ask again. */
  | { readonly step: 'start-session'; readonly pending: PendingSignIn }
  /** `mfa: required` and the signed-in user has no second factor: they are sent to enrol one. */
  | { readonly step: 'enrol'; readonly session: SessionRecord }
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
  /** A sign-in of this request still in progress (see PendingSignIn); takes the session's place. */
  readonly pending?: PendingSignIn;
  /** What the request must reach (login/factors/policy.ts); default: one factor, nothing essential. */
  readonly requirement?: AcrRequirement;
  /** The RFC 8176 methods of the second factors the pending or session's user enrolled. */
  readonly enrolled?: readonly string[];
}

/**
 * What the authorization request needs next, from its parameters and the browser's state. One pure
 * function, so /authorize, the login POST and every test agree on the rules:
 * - authentication (OIDC Core §3.1.2.3): a session is needed; `prompt=login` or `select_account`, and a
 *   `max_age` older than auth_time (max_age=0 always), ask for a fresh one; an id_token_hint must name the
 *   session's user (§3.1.2.1);
 * - consent (§3.1.2.4): needed when a requested scope, or a claim asked for by name (§5.5) beyond the
 *   scopes, was never granted to this client, and always with `prompt=consent`;
 * - factors (OIDC Core §3.1.2.1 `acr_values`, §5.5.1.1 essential `acr`): the sign-in must reach the
 *   requirement; what is missing is asked for, and only that (a live session steps up with its second
 *   factor, no password again); `max_age` exceeded with a second factor enrolled is met by a fresh second
 *   factor; an essential requirement nothing can meet is `unmet_authentication_requirements` (F4);
 * - `prompt=none` turns either need into `login_required` / `consent_required` (§3.1.2.6).
 */
export function nextStep(input: NextStepInput): NextStep {
  const { request, session, now } = input;
  const silent = request.prompt.includes('none');
  const requirement = input.requirement ?? NO_REQUIREMENT;
  const enrolled = input.enrolled ?? [];
  if (input.pending !== undefined) return pendingStep(input.pending, request, requirement, enrolled);
  if (requirement.unsupported) return unmet();
  const hintMismatch =
    session !== undefined &&
    request.idTokenHintSub !== undefined &&
    request.idTokenHintSub !== session.userId;
  const stale = session !== undefined && !input.justAuthenticated && needsFreshLogin(request, session, now);
  // max_age (not prompt=login) passed, and the user has a second factor: a fresh one is the new authentication.
  if (session !== undefined && stale && !hintMismatch && !promptsLogin(request) && enrolled.length > 0) {
    if (silent) return { step: 'error', error: new LoginRequired('The user must authenticate again') };
    return { step: 'second-factor', pending: fromSession(session), methods: enrolled };
  }
  const loginNeeded = session === undefined || stale || hintMismatch;
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
  const gap = authenticationGap(requirement, session.amr, enrolled);
  switch (gap.status) {
    case 'unmet':
      return unmet();
    case 'missing':
      if (silent) return { step: 'error', error: new LoginRequired('A second factor is required') };
      return { step: 'second-factor', pending: fromSession(session), methods: gap.methods };
    case 'enrol':
      if (silent) {
        return { step: 'error', error: new InteractionRequired('The user must set up a second factor') };
      }
      return { step: 'enrol', session };
    case 'met':
      break;
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

/** After the password of this request: a second factor, or the session (an enrolment comes after it). */
function pendingStep(
  pending: PendingSignIn,
  request: AuthorizationRequest,
  requirement: AcrRequirement,
  enrolled: readonly string[],
): NextStep {
  if (request.idTokenHintSub !== undefined && request.idTokenHintSub !== pending.userId) {
    return {
      step: 'error',
      error: new LoginRequired('The signed-in user is not the one the id_token_hint names'),
    };
  }
  const gap = authenticationGap(requirement, pending.amr, enrolled);
  if (gap.status === 'unmet') return unmet();
  if (gap.status === 'missing') return { step: 'second-factor', pending, methods: gap.methods };
  return { step: 'start-session', pending };
}

function unmet(): NextStep {
  return {
    step: 'error',
    error: new UnmetAuthenticationRequirements('The requested authentication context cannot be met'),
  };
}

/** A live session as the start of a sign-in that adds a factor to it (step-up, enrolment). */
export function fromSession(session: SessionRecord): PendingSignIn {
  return { userId: session.userId, amr: session.amr, sid: session.sid };
}

function promptsLogin(request: AuthorizationRequest): boolean {
  return request.prompt.includes('login') || request.prompt.includes('select_account');
}

function needsFreshLogin(request: AuthorizationRequest, session: SessionRecord, now: number): boolean {
  if (promptsLogin(request)) return true;
  if (request.maxAge === undefined) return false;
  // OIDC Core §3.1.2.1: re-authenticate when the elapsed time is greater than max_age; max_age=0 is
  // prompt=login (the same second is not "fresh" for a request that asks for a new authentication).
  return request.maxAge === 0 || now - session.authTime > request.maxAge;
}
