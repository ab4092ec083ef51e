import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AdminPageQuery } from '../admin/cursor.js';
import { AdminError } from '../admin/errors.js';
import { OAuthError } from '../errors/index.js';
import type { RequestParams } from '../lib/request-params.js';
import { RequestParams as Params } from '../lib/request-params.js';
import { PAGE_ROUTE } from '../ui/page-route.js';
import { type ConsoleContext, type SignedInAdmin, statusOf } from './context.js';
import { LIST_LIMIT } from './pages/frame.js';

type Handler<R> = (
  request: FastifyRequest,
  reply: FastifyReply,
  admin: SignedInAdmin,
  input: R,
) => Promise<unknown>;

/**
 * A console page (GET): the admin is checked first (no session → sign-in, not an admin → 403); an
 * admin-layer refusal (an unknown client or user in the URL) is a page with its status.
 */
export function consoleGet(
  app: FastifyInstance,
  ctx: ConsoleContext,
  path: string,
  handler: Handler<RequestParams>,
): void {
  app.get(path, PAGE_ROUTE, async (request, reply) => {
    const admin = await ctx.requireAdmin(request, reply);
    if (admin === undefined) return reply;
    let query: RequestParams;
    try {
      query = Params.fromUrl(request.url);
    } catch (error) {
      if (error instanceof OAuthError)
        return ctx.refuse(reply, 400, error.description ?? 'Malformed address.');
      throw error;
    }
    return answerAdminErrors(ctx, reply, () => handler(request, reply, admin, query));
  });
}

export interface ActionSpec {
  /** Fields read once each (a repeated one is refused, A10); fields read with `all()` are not listed. */
  readonly fields: readonly string[];
  /**
   * A sensitive action (N2): with an authentication older than REAUTH_WINDOW, the admin is sent to
   * authenticate again (`max_age`) and comes back to this page, where they confirm again.
   */
  readonly reauthenticate?: (request: FastifyRequest) => string;
}

/**
 * A console form action (POST): admin checked, then the form (same origin and the session's CSRF
 * token, N2/S4), then re-authentication for sensitive actions, then the handler; nothing changes
 * before every check passed.
 */
export function consoleAction(
  app: FastifyInstance,
  ctx: ConsoleContext,
  path: string,
  spec: ActionSpec,
  handler: Handler<RequestParams>,
): void {
  app.post(path, PAGE_ROUTE, async (request, reply) => {
    const admin = await ctx.requireAdmin(request, reply);
    if (admin === undefined) return reply;
    const post = ctx.checkPost(request, admin.session, spec.fields);
    if (!post.ok) return ctx.refuse(reply, post.status, post.message);
    if (spec.reauthenticate !== undefined && !admin.fresh) {
      return ctx.reauthenticate(reply, spec.reauthenticate(request));
    }
    return answerAdminErrors(ctx, reply, () => handler(request, reply, admin, post.form));
  });
}

async function answerAdminErrors(ctx: ConsoleContext, reply: FastifyReply, run: () => Promise<unknown>) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AdminError) return ctx.refuse(reply, statusOf(error), error.message);
    if (error instanceof OAuthError && error.status === 400) {
      return ctx.refuse(reply, 400, error.description ?? 'The form is malformed.');
    }
    throw error;
  }
}

/** A route parameter (`:clientId`), as Fastify decoded it. */
export function param(request: FastifyRequest, name: string): string {
  return String((request.params as Record<string, unknown>)[name] ?? '');
}

/** `?done=` names one of the page's fixed notices; anything else shows none (nothing is echoed). */
export function noticeOf(
  query: RequestParams,
  notices: Readonly<Record<string, string>>,
): string | undefined {
  const done = query.get('done');
  return done !== undefined && Object.hasOwn(notices, done) ? notices[done] : undefined;
}

/** A textarea of one value per line. */
export function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

/** A list page's store query: LIST_LIMIT rows, the search when there is one, the cursor of a next page. */
export function listQuery(search: string, query: RequestParams): AdminPageQuery {
  const cursor = query.get('cursor');
  return {
    limit: LIST_LIMIT,
    ...(search === '' ? {} : { q: search }),
    ...(cursor === undefined || cursor === '' ? {} : { cursor }),
  };
}
