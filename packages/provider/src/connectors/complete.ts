import type { FastifyReply, FastifyRequest } from 'fastify';
import { type SignInContext, sendErrorPage } from '../authorization/context.js';
import { continueAuthorization, currentSession } from '../authorization/continue.js';
import { ACCOUNT_PATHS } from '../endpoints/paths.js';
import { StoreConflictError, type UserRecord } from '../store/types.js';
import { emailDomainAllowed, mapGroups } from './claims.js';
import type { ConnectorSettings, UpstreamProfile } from './connector.js';
import type { UpstreamFlow } from './federation.js';
import { joinMappedGroups, provisionUser } from './provision.js';
import { confirmBeforeLinking } from './recent-sign-in.js';

const TITLE = 'Sign-in through another provider';

/**
 * The person the upstream vouched for, put to use: linked to the signed-in account (purpose `link`), or
 * signed in — by the identity (connector, issuer, subject) alone, never by email (X2); with no identity
 * yet, by the connector's JIT mode. The new session's `amr`/`acr` are the upstream's (`fed` when it
 * says nothing, RFC 8176 §2), and the pending authorization request, if any, moves on as after a
 * password sign-in: consent, then the code.
 */
export async function completeUpstream(
  context: SignInContext,
  request: FastifyRequest,
  reply: FastifyReply,
  settings: ConnectorSettings,
  profile: UpstreamProfile,
  flow: Pick<UpstreamFlow, 'browser' | 'purpose'>,
): Promise<FastifyReply> {
  const refuse = (status: number, message: string) =>
    sendErrorPage(context, reply, { status, title: TITLE, message });
  const now = context.clock();
  if (!emailDomainAllowed(settings, profile)) {
    await audit(context, request, 'sign_in.failure', null, settings, { reason: 'email_domain' });
    return refuse(403, `${settings.displayName} did not confirm an email address this service accepts.`);
  }
  const { purpose } = flow;
  if (purpose.kind === 'link') return link(context, request, reply, settings, profile, purpose.sid);
  // The pending request is opened first: one that expired during the round trip starts no session.
  const interaction =
    purpose.kind === 'authorize'
      ? context.interactions.open(purpose.interaction, flow.browser, now)
      : undefined;
  if (purpose.kind === 'authorize' && interaction === undefined) {
    return refuse(
      400,
      'The application’s sign-in request expired meanwhile. Go back to the application and sign in again.',
    );
  }

  let user = await userOf(context, profile);
  if (user === undefined) {
    if (settings.jit === 'deny') {
      await audit(context, request, 'sign_in.failure', null, settings, { reason: 'not_linked' });
      return refuse(
        403,
        `Signing in with ${settings.displayName} is open only to people already registered here.`,
      );
    }
    if (settings.jit === 'link-only') {
      await audit(context, request, 'sign_in.failure', null, settings, { reason: 'not_linked' });
      return refuse(
        403,
        `No account here is linked to this ${settings.displayName} account. Sign in with your password, then link it on your account page.`,
      );
    }
    try {
      user = await provisionUser(context, settings, profile);
      await audit(context, request, 'user.registered', user.id, settings, {
        groups: mapGroups(settings, profile),
      });
    } catch (error) {
      if (!(error instanceof StoreConflictError)) throw error;
      // A parallel first sign-in of the same upstream account provisioned it: use that user.
      user = await userOf(context, profile);
      if (user === undefined) throw error;
    }
  }
  if (user.disabled) {
    await audit(context, request, 'sign_in.failure', user.id, settings, { reason: 'disabled' });
    return refuse(403, 'This account is disabled. Ask an administrator.');
  }
  await context.stores.identities.recordUse(profile.key, now, profile.verifiedEmail ?? null);
  await joinMappedGroups(context, settings, profile, user);
  const amr = profile.amr.length > 0 ? profile.amr : ['fed'];
  const session = await context.sessions.start(request, reply, {
    userId: user.id,
    amr,
    acr: profile.acr ?? null,
  });
  await audit(context, request, 'sign_in.success', user.id, settings, { amr }, interaction?.request.clientId);

  if (interaction === undefined) return toAccountPage(context, reply);
  return continueAuthorization(context, request, reply, interaction.request, {
    session,
    interaction,
    browser: () => interaction.browser,
    justAuthenticated: true,
  });
}

/** The user an identity is linked to: the whole (connector, issuer, subject) key, nothing else (X2). */
async function userOf(context: SignInContext, profile: UpstreamProfile): Promise<UserRecord | undefined> {
  const identity = await context.stores.identities.find(profile.key);
  return identity === undefined ? undefined : context.stores.users.getById(identity.userId);
}

/** Links the upstream identity to the account signed in on this browser when the round trip began. */
async function link(
  context: SignInContext,
  request: FastifyRequest,
  reply: FastifyReply,
  settings: ConnectorSettings,
  profile: UpstreamProfile,
  sid: string,
): Promise<FastifyReply> {
  const refuse = (status: number, message: string) =>
    sendErrorPage(context, reply, { status, title: TITLE, message });
  const session = await currentSession(context, request);
  if (session === undefined || session.sid !== sid) {
    return refuse(
      400,
      'You signed out or signed in as someone else meanwhile. Open your account page and try again.',
    );
  }
  // Checked again when the link is made: the round trip may have outlasted the window.
  const stale = confirmBeforeLinking(context, session, reply);
  if (stale !== undefined) return stale;
  const existing = await context.stores.identities.find(profile.key);
  if (existing !== undefined) {
    return existing.userId === session.userId
      ? toAccountPage(context, reply, 'identity-linked')
      : refuse(409, `This ${settings.displayName} account is already linked to another account here.`);
  }
  const now = context.clock();
  try {
    await context.stores.identities.link({
      ...profile.key,
      userId: session.userId,
      email: profile.verifiedEmail ?? null,
      createdAt: now,
      lastUsedAt: now,
    });
  } catch (error) {
    if (!(error instanceof StoreConflictError)) throw error;
    return refuse(409, `This ${settings.displayName} account is already linked to another account here.`);
  }
  await audit(context, request, 'identity.linked', session.userId, settings, {});
  return toAccountPage(context, reply, 'identity-linked');
}

function toAccountPage(context: SignInContext, reply: FastifyReply, done?: string): FastifyReply {
  const page = context.basePath + ACCOUNT_PATHS.page;
  return reply
    .code(303)
    .headers({ location: done === undefined ? page : `${page}?done=${done}`, 'cache-control': 'no-store' })
    .send();
}

async function audit(
  context: SignInContext,
  request: FastifyRequest,
  type: string,
  userId: string | null,
  settings: ConnectorSettings,
  details: Record<string, unknown>,
  /** The application being signed in to, when there is one. */
  clientId?: string,
): Promise<void> {
  await context.stores.audit.append({
    type,
    at: context.clock(),
    userId,
    clientId: clientId ?? null,
    ip: request.ip,
    details: { ...details, connector: settings.id },
  });
}
