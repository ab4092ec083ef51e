import type { FastifyReply } from 'fastify';
import type { OAuthError } from '../errors/index.js';
import { cspSourceFor, pageCsp } from '../ui/csp.js';
import { FORM_POST_SCRIPT_HASH, formPostPage } from '../ui/pages/form-post.js';
import { sendPage } from '../ui/send-page.js';
import type { ResponseTarget } from './request.js';

/**
 * Sends an authorization response to the client's validated redirect URI in the requested response
 * mode. Every response, success or error, carries `iss` (RFC 9207 §2, checklist A8) and the `state`
 * the client sent (RFC 6749 §4.1.2). Redirects are 303 (RFC 9700 §4.12, A11): after a POST of the login
 * or consent form, a 307 would replay the credentials to the client.
 */
export function sendAuthorizationResponse(
  reply: FastifyReply,
  target: ResponseTarget,
  issuer: string,
  params: Readonly<Record<string, string>>,
): FastifyReply {
  const all: Record<string, string> = { ...params };
  if (target.state !== undefined) all['state'] = target.state;
  all['iss'] = issuer;
  if (target.responseMode === 'form_post') {
    // OAuth 2.0 Form Post Response Mode §2.
    return sendPage(reply, {
      body: formPostPage(target.redirectUri, all),
      csp: pageCsp({
        imageSources: ["'none'"],
        styles: false,
        scriptHashes: [FORM_POST_SCRIPT_HASH],
        formTargets: [cspSourceFor(target.redirectUri)],
      }),
    });
  }
  const encoded = new URLSearchParams(all).toString();
  const location =
    target.responseMode === 'fragment'
      ? `${target.redirectUri}#${encoded}`
      : // RFC 6749 §3.1.2: keep the redirect URI's own query and add ours.
        `${target.redirectUri}${target.redirectUri.includes('?') ? '&' : '?'}${encoded}`;
  return reply
    .code(303)
    .headers({ location, 'cache-control': 'no-store', pragma: 'no-cache', 'referrer-policy': 'no-referrer' })
    .send();
}

/** RFC 6749 §4.1.2.1: error, error_description (never a secret in it), state, and iss. */
export function sendAuthorizationError(
  reply: FastifyReply,
  target: ResponseTarget,
  issuer: string,
  error: OAuthError,
): FastifyReply {
  const params: Record<string, string> = { error: error.error };
  if (error.description !== undefined) params['error_description'] = error.description;
  return sendAuthorizationResponse(reply, target, issuer, params);
}
