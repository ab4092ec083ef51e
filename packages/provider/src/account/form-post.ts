import type { FastifyRequest } from 'fastify';
import type { SignInContext } from '../authorization/context.js';
import { OAuthError } from '../errors/index.js';
import type { RequestParams } from '../lib/request-params.js';
import { isSameOriginPost } from '../sessions/origin-check.js';

export type CheckedPost =
  | { readonly ok: true; readonly form: RequestParams }
  | { readonly ok: false; readonly status: number; readonly message: string };

/**
 * What every form POST of the account page must be (S4): a form, from the provider's own origin, with
 * the CSRF token bound to this browser's cookie. Reading a field twice is `invalid_request` (A10), which
 * becomes a 400 here rather than a thrown error.
 */
export function checkAccountPost(
  context: SignInContext,
  request: FastifyRequest,
  fields: readonly string[],
): CheckedPost {
  const form = request.form;
  if (form === undefined) return { ok: false, status: 400, message: 'The form was not sent as a form.' };
  if (!isSameOriginPost(request, context.issuerOrigin)) {
    return { ok: false, status: 403, message: 'The form was sent from another site, so it was refused.' };
  }
  try {
    if (!context.browser.checkCsrfToken(context.browser.read(request), form.get('csrf_token'))) {
      return {
        ok: false,
        status: 403,
        message:
          'The form has expired or was not sent from this browser. Reload your account page and try again.',
      };
    }
    for (const field of fields) form.get(field);
  } catch (error) {
    if (error instanceof OAuthError) {
      return { ok: false, status: 400, message: error.description ?? 'The form is malformed.' };
    }
    throw error;
  }
  return { ok: true, form };
}
