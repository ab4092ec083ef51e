import type { FastifyReply, FastifyRequest } from 'fastify';
import { claimsToConsent, consentedClaims } from '../claims/index.js';
import { acrOf, amrOf } from '../login/factors/acr.js';
import { enrolledMethods } from '../login/factors/index.js';
import { acrRequirement } from '../login/factors/policy.js';
import type { ClientRecord, SessionRecord } from '../store/types.js';
import { showConsentPage } from './consent-page.js';
import type { SignInContext } from './context.js';
import { showEnrolPage } from './enrol-page.js';
import { INTERACTION_LIFETIME, type Interaction } from './interaction.js';
import { issueAuthorizationCode } from './issue-code.js';
import { showFirstLoginPage } from './login-page.js';
import { fromSession, nextStep, type PendingSignIn } from './next-step.js';
import type { AuthorizationRequest } from './request.js';
import { sendAuthorizationError, sendAuthorizationResponse } from './respond.js';

/** The browser's live session, if its user still exists and may sign in (a disabled user's does not count). */
export async function currentSession(
  context: SignInContext,
  request: FastifyRequest,
): Promise<SessionRecord | undefined> {
  const session = await context.sessions.current(request);
  if (session === undefined) return undefined;
  const user = await context.stores.users.getById(session.userId);
  return user !== undefined && !user.disabled ? session : undefined;
}

export interface Progress {
  readonly session: SessionRecord | undefined;
  /** The interaction so far; undefined at /authorize, where it starts. */
  readonly interaction: Interaction | undefined;
  /** BrowserBinding.fingerprint of this browser (set at /authorize only when a page must be shown). */
  readonly browser: () => string;
  readonly justAuthenticated: boolean;
  /** The request's client, when the caller has just read it (/authorize): a page shown here reuses it. */
  readonly client?: ClientRecord;
  /** A sign-in of this request not yet complete (the password was right; a second factor may follow). */
  readonly pending?: PendingSignIn;
}

/**
 * Moves an authorization request on: to the login page, to the consent page, or to the client with a
 * code or an error — whatever nextStep says. /authorize and the login POST both end here.
 */
export async function continueAuthorization(
  context: SignInContext,
  request: FastifyRequest,
  reply: FastifyReply,
  authorization: AuthorizationRequest,
  progress: Progress,
): Promise<FastifyReply> {
  const now = context.clock();
  const { session, pending } = progress;
  const consent =
    session === undefined || pending !== undefined
      ? undefined
      : await context.stores.consents.get(session.userId, authorization.clientId);
  const client = progress.client ?? (await context.stores.clients.get(authorization.clientId));
  const namedClaims = claimsAskedByName(authorization, client);
  const userId = pending?.userId ?? session?.userId;
  const next = nextStep({
    request: authorization,
    session,
    consentedScopes: consent?.scopes,
    namedClaims,
    consentedClaims: consentedClaims(namedClaims, consent),
    now,
    justAuthenticated: progress.justAuthenticated,
    ...(pending === undefined ? {} : { pending }),
    requirement: acrRequirement({
      acrValues: authorization.acrValues,
      claims: authorization.claims,
      mfa: client?.mfa ?? context.mfaDefault,
    }),
    enrolled: userId === undefined ? [] : await enrolledMethods(context.secondFactors, userId),
  });
  switch (next.step) {
    case 'error':
      request.log.info(
        { error: next.error.error, clientId: authorization.clientId },
        'authorization refused',
      );
      return sendAuthorizationError(reply, authorization, context.issuer, next.error);
    case 'issue':
      return issueAndRespond(context, reply, authorization, next.session);
    case 'start-session': {
      // The sign-in is complete: its amr/acr are those of the factors actually used (F4), and the
      // session is new (S3).
      const amr = amrOf(next.pending.amr);
      const started = await context.sessions.start(request, reply, {
        userId: next.pending.userId,
        amr,
        acr: acrOf(amr),
      });
      return continueAuthorization(context, request, reply, authorization, {
        ...progress,
        session: started,
        justAuthenticated: true,
        ...(client === undefined ? {} : { client }),
        pending: undefined,
      });
    }
    case 'enrol': {
      // The account page's enrolment carries this on and resumes it (enrolment-handoff.ts).
      const interaction: Interaction = {
        request: authorization,
        startedAt: progress.interaction?.startedAt ?? now,
        expiresAt: progress.interaction?.expiresAt ?? now + INTERACTION_LIFETIME,
        browser: progress.interaction?.browser ?? progress.browser(),
        pending: fromSession(next.session),
      };
      return showEnrolPage(context, reply, client, context.interactions.seal(interaction));
    }
    case 'second-factor': {
      const interaction: Interaction = {
        request: authorization,
        startedAt: progress.interaction?.startedAt ?? now,
        expiresAt: progress.interaction?.expiresAt ?? now + INTERACTION_LIFETIME,
        browser: progress.interaction?.browser ?? progress.browser(),
        pending: next.pending,
      };
      const location = `${context.paths.secondFactor}?${new URLSearchParams({ interaction: context.interactions.seal(interaction) })}`;
      return reply.code(303).headers({ location, 'cache-control': 'no-store' }).send();
    }
    case 'login':
    case 'consent': {
      const interaction: Interaction = {
        request: authorization,
        startedAt: progress.interaction?.startedAt ?? now,
        expiresAt: progress.interaction?.expiresAt ?? now + INTERACTION_LIFETIME,
        browser: progress.interaction?.browser ?? progress.browser(),
        ...(next.step === 'consent' ? { sid: next.session.sid } : {}),
        ...(next.step === 'consent' && namedClaims.length > 0 ? { claims: namedClaims } : {}),
      };
      // The first step of a GET to /authorize is this very answer, saving the browser a redirect to
      // /login or /consent. Everything else redirects, so a POSTed form is never replayed.
      if (progress.interaction === undefined && request.method === 'GET') {
        return next.step === 'login'
          ? showFirstLoginPage(context, request, reply, interaction, client)
          : showConsentPage(context, request, reply, interaction, next.session, client);
      }
      const path = next.step === 'login' ? context.paths.login : context.paths.consent;
      const location = `${path}?${new URLSearchParams({ interaction: context.interactions.seal(interaction) })}`;
      // A11: 303, so a POSTed form is never replayed.
      return reply.code(303).headers({ location, 'cache-control': 'no-store' }).send();
    }
  }
}

/** The claims the request's `claims` parameter asks for beyond its scopes. */
function claimsAskedByName(authorization: AuthorizationRequest, client: ClientRecord | undefined): string[] {
  if (authorization.claims === undefined) return [];
  return claimsToConsent(authorization.claims, authorization.scopes, client?.scopes ?? []);
}

/** Issues the code and sends it to the client (RFC 6749 §4.1.2). */
export async function issueAndRespond(
  context: SignInContext,
  reply: FastifyReply,
  authorization: AuthorizationRequest,
  session: SessionRecord,
): Promise<FastifyReply> {
  const code = await issueAuthorizationCode(
    { stores: context.stores, random: context.random, codeLifetime: context.codeLifetime },
    authorization,
    session,
    context.clock(),
  );
  return sendAuthorizationResponse(reply, authorization, context.issuer, { code });
}
