import type { FastifyRequest } from 'fastify';
import { OAuthError } from '../errors/index.js';
import type { RequestParams } from '../lib/request-params.js';
import { isSameOriginPost } from './origin-check.js';

export type CheckedPost =
  | { readonly ok: true; readonly form: RequestParams }
  | { readonly ok: false; readonly status: number; readonly message: string };

/**
 * What every form POST of the provider's own pages must be (S4, N2): a form, from the provider's own
 * origin, carrying the CSRF token the page's session expects (`csrfOk` compares in constant time).
 * Reading a field twice is `invalid_request` (A10), which becomes a 400 here rather than a thrown error.
 * `reload` names the page to reload in the refusal ("your account page").
 */
export function checkFormPost(
  request: FastifyRequest,
  check: {
    readonly origin: string;
    readonly csrfOk: (submitted: string | undefined) => boolean;
    readonly reload: string;
  },
  fields: readonly string[],
): CheckedPost {
  const form = request.form;
  if (form === undefined) return { ok: false, status: 400, message: 'The form was not sent as a form.' };
  if (!isSameOriginPost(request, check.origin)) {
    return { ok: false, status: 403, message: 'The form was sent from another site, so it was refused.' };
  }
  try {
    if (!check.csrfOk(form.get('csrf_token'))) {
      return {
        ok: false,
        status: 403,
        message: `The form has expired or was not sent from this browser. Reload ${check.reload} and try again.`,
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
