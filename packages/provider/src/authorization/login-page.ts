import type { FastifyReply, FastifyRequest } from 'fastify';
import { discoverablePasskeyPrompt } from '../login/passkey-prompt.js';
import type { ClientRecord } from '../store/types.js';
import { cspSourceFor, pageCsp } from '../ui/csp.js';
import { loginPage } from '../ui/pages/login.js';
import { sendPage } from '../ui/send-page.js';
import { type SignInContext, sendErrorPage } from './context.js';
import type { Interaction } from './interaction.js';

/**
 * The sign-in form of a pending authorization request, posting to /login with the interaction sealed
 * in it. Shown by /authorize itself when sign-in is the first step, and by /login (its own GET, and
 * again after a refused attempt).
 */
export async function showLoginPage(
  context: SignInContext,
  request: FastifyRequest,
  reply: FastifyReply,
  interaction: Interaction,
  input: {
    readonly username?: string;
    readonly error?: string;
    /** A directory connector's own form (LDAP): where it posts, and the directory's name. */
    readonly via?: { readonly name: string; readonly action: string };
  },
  status = 200,
  /** The request's client, if the caller has it already; else it is read. */
  known?: ClientRecord,
): Promise<FastifyReply> {
  const client = known ?? (await context.stores.clients.get(interaction.request.clientId));
  if (client === undefined) {
    return sendErrorPage(context, reply, {
      status: 400,
      title: 'This sign-in request cannot continue',
      message: 'The application is no longer registered.',
    });
  }
  const browserId = context.browser.ensure(request, reply);
  const sealed = context.interactions.seal(interaction);
  const federation = context.federation;
  // A directory's own form (input.via) asks for that directory's password only: no passkey there.
  const passkey =
    input.via !== undefined
      ? undefined
      : await discoverablePasskeyPrompt(context, context.paths.passkeyLogin);
  return sendPage(reply, {
    status,
    body: loginPage(context.theme, {
      ...(passkey === undefined ? {} : { passkey }),
      ...(input.username === undefined ? {} : { username: input.username }),
      ...(input.error === undefined ? {} : { error: input.error }),
      action: input.via?.action ?? context.paths.login,
      via: input.via?.name,
      interaction: sealed,
      providers:
        input.via !== undefined
          ? undefined
          : federation?.connectors.map((c) => ({
              name: c.settings.displayName,
              logoUrl: c.settings.logoUrl,
              href: `${federation.entryPath(c)}?${new URLSearchParams({ interaction: sealed })}`,
            })),
      csrfToken: context.browser.csrfToken(browserId),
      clientName: client.name,
      links: context.accountLinks,
    }),
    // The POST may end in a redirect to the client (consent already given): form-action must allow it.
    csp: pageCsp({
      imageSources: context.theme.imageSources,
      formTargets: [cspSourceFor(interaction.request.redirectUri)],
      ownScripts: passkey !== undefined,
    }),
  });
}

/**
 * The form as first shown: the username prefilled from `login_hint` (OIDC Core §3.1.2.1). With an
 * `idp_hint` naming a connector, no form at all: the browser goes straight to that upstream.
 */
export async function showFirstLoginPage(
  context: SignInContext,
  request: FastifyRequest,
  reply: FastifyReply,
  interaction: Interaction,
  client?: ClientRecord,
): Promise<FastifyReply> {
  const upstream =
    interaction.request.idpHint === undefined
      ? undefined
      : context.federation?.find(interaction.request.idpHint);
  if (upstream !== undefined && context.federation !== undefined) {
    // Where the connector's button leads (its round trip, or its own form), so each begins in one place.
    const entry = `${context.federation.entryPath(upstream)}?${new URLSearchParams({ interaction: context.interactions.seal(interaction) })}`;
    return reply.code(303).headers({ location: entry, 'cache-control': 'no-store' }).send();
  }
  const hint = interaction.request.loginHint;
  const input = hint === undefined ? {} : { username: hint };
  return showLoginPage(context, request, reply, interaction, input, 200, client);
}
