import type { FastifyRequest } from 'fastify';
import type { SignInContext } from '../authorization/context.js';
import { type CheckedPost, checkFormPost } from '../sessions/checked-post.js';

export type { CheckedPost } from '../sessions/checked-post.js';

/**
 * What every form POST of the account page must be (S4): a form, from the provider's own origin, with
 * the CSRF token bound to this browser's cookie (sessions/checked-post.ts).
 */
export function checkAccountPost(
  context: SignInContext,
  request: FastifyRequest,
  fields: readonly string[],
): CheckedPost {
  return checkFormPost(
    request,
    {
      origin: context.issuerOrigin,
      csrfOk: (submitted) => context.browser.checkCsrfToken(context.browser.read(request), submitted),
      reload: 'your account page',
    },
    fields,
  );
}
