import type { FastifyInstance, FastifyReply } from 'fastify';
import { type SignInContext, sendErrorPage } from '../authorization/context.js';
import { currentSession } from '../authorization/continue.js';
import type { Connector } from '../connectors/connector.js';
import type { Federation } from '../connectors/federation.js';
import type { ProviderButton } from '../ui/pages/login.js';
import { checkAccountPost } from './form-post.js';
import type { IdentitiesSectionInput } from './identities-section.js';

/** The start link of a round trip begun on the account page: the CSRF token stands for the form (S4). */
function startHref(
  federation: Federation,
  connector: Connector,
  purpose: 'account' | 'link',
  csrfToken: string,
): string {
  return `${federation.entryPath(connector)}?${new URLSearchParams({ purpose, csrf_token: csrfToken })}`;
}

/** The account sign-in page's buttons: sign in to the account page through a connector. */
export function accountSignInButtons(signIn: SignInContext, csrfToken: string): ProviderButton[] | undefined {
  const federation = signIn.federation;
  return federation?.connectors.map((c) => ({
    name: c.settings.displayName,
    logoUrl: c.settings.logoUrl,
    href: startHref(federation, c, 'account', csrfToken),
  }));
}

/** What the "Linked sign-in methods" section shows; undefined when no connector is configured. */
export async function linkedIdentities(
  signIn: SignInContext,
  userId: string,
  csrfToken: string,
  unlinkAction: string,
): Promise<IdentitiesSectionInput | undefined> {
  const federation = signIn.federation;
  if (federation === undefined) return undefined;
  const identities = await signIn.stores.identities.listByUser(userId);
  const nameOf = (id: string) => federation.find(id)?.settings.displayName ?? id;
  return {
    linked: identities.map((i) => ({
      connectorId: i.connectorId,
      issuer: i.issuer,
      subject: i.subject,
      name: nameOf(i.connectorId),
      email: i.email,
      linkedAt: i.createdAt,
      lastUsedAt: i.lastUsedAt,
    })),
    // One link per connector not linked yet (a second account at the same upstream is rare, and the
    // list would otherwise offer what is already there).
    linkable: federation.connectors
      .filter((c) => !identities.some((i) => i.connectorId === c.settings.id))
      .map((c) => ({
        name: c.settings.displayName,
        href: startHref(federation, c, 'link', csrfToken),
      })),
    unlinkAction,
  };
}

/**
 * POST /account/identities/unlink: removes one of the person's own linked identities. Refused when it is
 * the account's only way in (no password and no other identity): the person would lock themselves out.
 */
export function registerIdentityUnlink(
  app: FastifyInstance,
  signIn: SignInContext,
  paths: { readonly unlink: string; readonly page: string },
): void {
  const refuse = (reply: FastifyReply, status: number, message: string) =>
    sendErrorPage(signIn, reply, { status, title: 'Your account', message });
  app.post(paths.unlink, async (request, reply) => {
    const session = await currentSession(signIn, request);
    const back = (done?: string) =>
      reply
        .code(303)
        .headers({ location: done ? `${paths.page}?done=${done}` : paths.page, 'cache-control': 'no-store' })
        .send();
    if (session === undefined) return back();
    const post = checkAccountPost(signIn, request, ['connector', 'issuer', 'subject']);
    if (!post.ok) return refuse(reply, post.status, post.message);
    const key = {
      connectorId: post.form.get('connector') ?? '',
      issuer: post.form.get('issuer') ?? '',
      subject: post.form.get('subject') ?? '',
    };
    const [user, identities] = await Promise.all([
      signIn.stores.users.getById(session.userId),
      signIn.stores.identities.listByUser(session.userId),
    ]);
    const own = identities.find(
      (i) => i.connectorId === key.connectorId && i.issuer === key.issuer && i.subject === key.subject,
    );
    if (own === undefined) {
      return refuse(
        reply,
        404,
        'That sign-in method is not linked to your account. Reload your account page.',
      );
    }
    if (user?.passwordHash === null && identities.length === 1) {
      return refuse(
        reply,
        409,
        'This is the only way to sign in to your account. Link another provider first, or ask an administrator to set a password.',
      );
    }
    if (!(await signIn.stores.identities.unlink(session.userId, key))) {
      return refuse(
        reply,
        404,
        'That sign-in method is not linked to your account. Reload your account page.',
      );
    }
    await signIn.stores.audit.append({
      type: 'identity.unlinked',
      at: signIn.clock(),
      userId: session.userId,
      ip: request.ip,
      details: { connector: key.connectorId },
    });
    return back('identity-unlinked');
  });
}
