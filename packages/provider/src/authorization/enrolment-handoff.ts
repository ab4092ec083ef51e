import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../errors/index.js';
import { RequestParams } from '../lib/request-params.js';
import type { SessionRecord } from '../store/types.js';
import { cspSourceFor, pageCsp } from '../ui/csp.js';
import type { SignInContext } from './context.js';
import type { Interaction } from './interaction.js';
import type { PendingSignIn } from './next-step.js';

type Carried = Interaction & { readonly pending: PendingSignIn };

/** The form and query field that carries a pending authorization through the account page. */
export const CARRIED_FIELD = 'interaction';

/** Sealed interactions are base64url; anything else is not carried on (never echoed into a page). */
const SEALED = /^[A-Za-z0-9_-]{1,8192}$/;

/**
 * The sealed authorization request an enrolment on the account page continues (`mfa: required` and no
 * factor yet, next-step.ts `enrol`), as the page received it: from the query of a GET, from the form of
 * a POST. Opaque here; it is opened only when the enrolment is done (openCarried).
 */
export function carriedInteraction(request: FastifyRequest): string | undefined {
  try {
    const params = request.method === 'GET' ? RequestParams.fromUrl(request.url) : request.form;
    const value = params?.get(CARRIED_FIELD);
    return value !== undefined && SEALED.test(value) ? value : undefined;
  } catch (error) {
    // A repeated field (A10) carries nothing on.
    if (error instanceof OAuthError) return undefined;
    throw error;
  }
}

/**
 * The carried interaction, only if it opens for this browser (sealed, unexpired, browser-bound) and
 * was sent to enrol by this very session: another person's link, or an old session's, continues nothing.
 */
export function openCarried(
  context: SignInContext,
  request: FastifyRequest,
  sealed: string | undefined,
  session: SessionRecord,
): Carried | undefined {
  const browserId = context.browser.read(request);
  const interaction = context.interactions.open(
    sealed,
    browserId === undefined ? undefined : context.browser.fingerprint(browserId),
    context.clock(),
  );
  const pending = interaction?.pending;
  if (
    interaction === undefined ||
    pending === undefined ||
    pending.sid !== session.sid ||
    pending.userId !== session.userId
  ) {
    return undefined;
  }
  return { ...interaction, pending };
}

/**
 * The interaction to resume once a factor was enrolled: enrolling it proved it (a code from the new
 * app, a passkey's signature), so its methods join the sign-in's, and the resumed request starts a new
 * session with them (S3) — no second code right after the first.
 */
export function enrolled(interaction: Carried, amr: readonly string[]): Interaction {
  const { pending } = interaction;
  return { ...interaction, pending: { ...pending, amr: [...pending.amr, ...amr] } };
}

/** The sign-in an enrolment continues: a form that resumes it at `action` (login/enrolled). */
export interface ContinueSignIn {
  readonly action: string;
  readonly interaction: string;
  readonly csrfToken: string;
  readonly clientName: string;
  /** The page's CSP: the form's POST ends in a redirect to the client, so form-action must allow it. */
  readonly csp: string;
}

/**
 * After a factor was enrolled on the account page: the form that continues the carried request with
 * the methods the enrolment proved (`amr`), or undefined when the page carries none for this session.
 */
export async function continuation(
  context: SignInContext,
  request: FastifyRequest,
  reply: FastifyReply,
  session: SessionRecord,
  amr: readonly string[],
): Promise<ContinueSignIn | undefined> {
  const carried = openCarried(context, request, carriedInteraction(request), session);
  if (carried === undefined) return undefined;
  return {
    action: context.paths.enrolled,
    interaction: context.interactions.seal(enrolled(carried, amr)),
    csrfToken: context.browser.csrfToken(context.browser.ensure(request, reply)),
    clientName: (await context.stores.clients.get(carried.request.clientId))?.name ?? 'the application',
    csp: pageCsp({
      imageSources: context.theme.imageSources,
      formTargets: [cspSourceFor(carried.request.redirectUri)],
    }),
  };
}
