import type { FastifyReply, FastifyRequest } from 'fastify';
import { describeClaim } from '../claims/index.js';
import { isLoopbackHost } from '../config/parsers.js';
import { findScope } from '../scopes/index.js';
import type { ClientRecord, SessionRecord } from '../store/types.js';
import { cspSourceFor, pageCsp } from '../ui/csp.js';
import { consentPage } from '../ui/pages/consent.js';
import { sendPage } from '../ui/send-page.js';
import { type SignInContext, sendErrorPage } from './context.js';
import type { Interaction } from './interaction.js';

/**
 * The consent question of a pending authorization request (OIDC Core §3.1.2.4), posting to /consent
 * with the interaction sealed in it. Shown by /authorize itself when consent is the first step (the
 * browser is signed in already), and by GET /consent after a sign-in.
 */
export async function showConsentPage(
  context: SignInContext,
  request: FastifyRequest,
  reply: FastifyReply,
  interaction: Interaction,
  session: SessionRecord,
  /** The request's client, if the caller has it already; else it is read. */
  known?: ClientRecord,
): Promise<FastifyReply> {
  const [client, user] = await Promise.all([
    known ?? context.stores.clients.get(interaction.request.clientId),
    context.stores.users.getById(session.userId),
  ]);
  if (client === undefined || user === undefined) return sendSessionChanged(context, reply);
  const browserId = context.browser.ensure(request, reply);
  return sendPage(reply, {
    body: consentPage(context.theme, {
      action: context.paths.consent,
      interaction: context.interactions.seal(interaction),
      csrfToken: context.browser.csrfToken(browserId),
      clientName: client.name,
      account: user.profile.name ?? user.username,
      permissions: [
        ...interaction.request.scopes.map(
          (scope) => findScope(scope)?.description ?? `Use the “${scope}” permission`,
        ),
        // Claims asked for by name (OIDC Core §5.5) are shown one by one, as the person consents to them too.
        ...(interaction.claims ?? []).map(describeClaim),
      ],
      ...clientIdentity(client, await originOf(context, client)),
      resources: interaction.request.resources,
    }),
    csp: pageCsp({
      imageSources: context.theme.imageSources,
      formTargets: [cspSourceFor(interaction.request.redirectUri)],
    }),
  });
}

/**
 * For clients nobody registered by hand: the host that vouches for them, and whether every redirect
 * URI is on loopback (then any local program could be the client: CIMD draft §8.3).
 */
function clientIdentity(
  client: ClientRecord,
  origin: ClientRecord['origin'],
): { clientHost?: string; localhostOnly?: boolean } {
  if (origin === undefined) return {};
  const localhostOnly = client.redirectUris.every((uri) => {
    const { protocol, hostname } = new URL(uri);
    return (protocol === 'http:' || protocol === 'https:') && isLoopbackAddress(hostname);
  });
  return {
    ...(origin === 'metadata-document' ? { clientHost: new URL(client.clientId).host } : {}),
    localhostOnly,
  };
}

/** A registered client read from the database carries no origin: its registration row tells (only here, not per request). */
async function originOf(context: SignInContext, client: ClientRecord): Promise<ClientRecord['origin']> {
  if (client.origin !== undefined) return client.origin;
  return (await context.stores.clientRegistrations.get(client.clientId)) === undefined
    ? undefined
    : 'dynamic';
}

function isLoopbackAddress(hostname: string): boolean {
  return isLoopbackHost(hostname) || /^127\./.test(hostname);
}

/** The page for a consent whose session ended or changed hands since the request started. */
export function sendSessionChanged(context: SignInContext, reply: FastifyReply): FastifyReply {
  return sendErrorPage(context, reply, {
    status: 400,
    title: 'This sign-in request cannot continue',
    message:
      'You signed out or signed in as someone else meanwhile. Go back to the application and sign in again.',
  });
}
