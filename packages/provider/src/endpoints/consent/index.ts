import type { FastifyInstance, FastifyRequest } from 'fastify';
import { sendSessionChanged, showConsentPage } from '../../authorization/consent-page.js';
import { type SignInContext, sendErrorPage } from '../../authorization/context.js';
import { currentSession, issueAndRespond } from '../../authorization/continue.js';
import type { Interaction } from '../../authorization/interaction.js';
import { guardInteraction } from '../../authorization/page-guard.js';
import { sendAuthorizationError } from '../../authorization/respond.js';
import { AccessDenied, OAuthError } from '../../errors/index.js';
import type { SessionRecord } from '../../store/types.js';
import { PAGE_ROUTE } from '../../ui/page-route.js';

/**
 * GET /consent asks the signed-in person whether the client may have the requested scopes (OIDC Core
 * §3.1.2.4); POST /consent records the answer: `approve` remembers it per user, client and scopes
 * (ConsentStore) and sends a code; `deny` sends `access_denied` to the client (RFC 6749 §4.1.2.1).
 */
export function registerConsent(app: FastifyInstance, context: SignInContext): void {
  app.get(context.paths.consent, PAGE_ROUTE, async (request, reply) => {
    const guarded = guardInteraction(context, request, reply);
    if (!guarded.ok) return guarded.reply;
    const session = await sessionOf(context, request, guarded.interaction);
    if (session === undefined) return sendSessionChanged(context, reply);
    return showConsentPage(context, request, reply, guarded.interaction, session);
  });

  app.post(context.paths.consent, PAGE_ROUTE, async (request, reply) => {
    const guarded = guardInteraction(context, request, reply);
    if (!guarded.ok) return guarded.reply;
    const { interaction, form } = guarded;
    const session = await sessionOf(context, request, interaction);
    if (session === undefined) return sendSessionChanged(context, reply);
    let decision: string | undefined;
    try {
      decision = form.get('decision');
    } catch (error) {
      if (!(error instanceof OAuthError)) throw error;
    }
    const authorization = interaction.request;
    const now = context.clock();
    if (decision === 'deny') {
      await context.stores.audit.append({
        type: 'consent.denied',
        at: now,
        userId: session.userId,
        clientId: authorization.clientId,
        details: consentDetails(interaction),
      });
      return sendAuthorizationError(
        reply,
        authorization,
        context.issuer,
        new AccessDenied('The user denied the request'),
      );
    }
    if (decision !== 'approve') {
      return sendErrorPage(context, reply, {
        status: 400,
        title: 'This sign-in request cannot continue',
        message: 'Choose Allow or Deny.',
      });
    }
    // The claims shown on the page by name are remembered with the scopes (OIDC Core §5.5).
    await context.stores.consents.grant(
      session.userId,
      authorization.clientId,
      authorization.scopes,
      now,
      interaction.claims ?? [],
    );
    await context.stores.audit.append({
      type: 'consent.granted',
      at: now,
      userId: session.userId,
      clientId: authorization.clientId,
      details: consentDetails(interaction),
    });
    return issueAndRespond(context, reply, authorization, session);
  });
}

/** What the audit event records: the scopes, and the claims asked for by name when there were any. */
function consentDetails(interaction: Interaction): Record<string, unknown> {
  const { scopes } = interaction.request;
  const claims = interaction.claims ?? [];
  return claims.length === 0 ? { scopes: [...scopes] } : { scopes: [...scopes], claims: [...claims] };
}

/** Consent is given by the very session that signed in for this request, and by no other. */
async function sessionOf(
  context: SignInContext,
  request: FastifyRequest,
  interaction: Interaction,
): Promise<SessionRecord | undefined> {
  const session = await currentSession(context, request);
  return session !== undefined && interaction.sid !== undefined && session.sid === interaction.sid
    ? session
    : undefined;
}
