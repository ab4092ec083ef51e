import { isJoseError, isOidcClientError } from '@latchkey/oidc';
import type { FastifyInstance } from 'fastify';
import { ENDPOINT_PATHS } from '../../endpoints/paths.js';
import { OAuthError } from '../../errors/index.js';
import { RequestParams } from '../../lib/request-params.js';
import type { FinishedSignIn, SignInFlow } from '../../relying-party/sign-in-flow.js';
import { PAGE_ROUTE } from '../../ui/page-route.js';
import { type ConsoleContext, REAUTH_WINDOW } from '../context.js';

/** Random bytes of a console session's CSRF token. */
const CSRF_BYTES = 32;

/**
 * The console signs in like any relying party (issue 15): GET /admin/sign-in sends the browser to the
 * provider's /authorize (code + PKCE, state, nonce); /admin/callback makes the console session from
 * the verified ID token. `reauth=1` asks for an authentication at most REAUTH_WINDOW old (`max_age`,
 * OIDC Core §3.1.2.1), before sensitive actions (N2).
 */
export function registerSignIn(app: FastifyInstance, ctx: ConsoleContext, flow: SignInFlow): void {
  const { paths, signIn } = ctx;
  const fail = (reply: Parameters<typeof ctx.refuse>[0], status: number, message: string) =>
    ctx.refuse(reply, status, message, 'Console sign-in did not finish');

  app.get(paths.signIn, PAGE_ROUTE, async (request, reply) => {
    let query: RequestParams;
    try {
      query = RequestParams.fromUrl(request.url);
    } catch (error) {
      if (error instanceof OAuthError) return fail(reply, 400, error.description ?? 'Malformed address.');
      throw error;
    }
    const returnTo = ctx.safeReturnPath(query.get('next')) ?? paths.overview;
    const params = query.get('reauth') === '1' ? { max_age: String(REAUTH_WINDOW) } : undefined;
    try {
      return await flow.start(reply, { returnTo, ...(params ? { params } : {}) });
    } catch (error) {
      request.log.warn({ code: codeOf(error) }, 'console sign-in could not reach the issuer');
      return fail(
        reply,
        502,
        'The console could not reach its own issuer. Is the issuer the address this server answers at?',
      );
    }
  });

  app.get(paths.callback, PAGE_ROUTE, async (request, reply) => {
    let finished: FinishedSignIn | undefined;
    try {
      finished = await flow.finish(request, reply);
    } catch (error) {
      if (isOidcClientError(error, 'ERR_CLIENT_AUTHORIZATION_DENIED')) {
        return fail(reply, 400, 'The sign-in was refused or cancelled, so the console was not opened.');
      }
      if (isOidcClientError(error) || isJoseError(error)) {
        request.log.warn({ code: error.code }, 'console sign-in refused what it received');
        return fail(reply, 400, 'The console refused what the sign-in returned. Start again.');
      }
      throw error;
    }
    if (finished === undefined) {
      return fail(
        reply,
        400,
        'This console sign-in has expired, or was started in another browser. Start again.',
      );
    }
    const { claims } = finished.tokens;
    const sid = claims['sid'];
    const authTime = claims['auth_time'];
    // The provider's sid is 22 characters; the bound keeps the sealed cookie within its size.
    if (typeof sid !== 'string' || sid.length > 64 || typeof authTime !== 'number') {
      return fail(reply, 400, 'The ID token names no session (sid) or authentication time.');
    }
    const now = signIn.clock();
    ctx.sessions.write(
      reply,
      {
        sid,
        authTime,
        csrf: signIn.random(CSRF_BYTES).toString('base64url'),
        startedAt: now,
      },
      now,
    );
    return reply
      .code(303)
      .headers({
        location: ctx.safeReturnPath(finished.returnTo) ?? paths.overview,
        'cache-control': 'no-store',
      })
      .send();
  });

  app.post(paths.signOut, PAGE_ROUTE, async (request, reply) => {
    const session = ctx.sessions.read(request, signIn.clock());
    ctx.sessions.clear(reply);
    // Without a live console session there is nothing to protect: the cookie is cleared either way.
    if (session !== undefined) {
      const post = ctx.checkPost(request, session, []);
      if (!post.ok) return ctx.refuse(reply, post.status, post.message);
    }
    // The provider session too (RP-initiated logout, which asks the person to confirm).
    return reply
      .code(303)
      .headers({ location: signIn.basePath + ENDPOINT_PATHS.endSession, 'cache-control': 'no-store' })
      .send();
  });
}

function codeOf(error: unknown): string | undefined {
  return isOidcClientError(error) || isJoseError(error) ? error.code : undefined;
}
