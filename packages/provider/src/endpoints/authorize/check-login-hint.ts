import type { RequestParams } from '../../lib/request-params.js';

const MAX_LOGIN_HINT_LENGTH = 256;

/**
 * OIDC Core §3.1.2.1: a hint of the login identifier, used only to prefill the username field. It is
 * a hint: one that is too long or holds control characters is ignored rather than refused.
 */
export function checkLoginHint(params: RequestParams): string | undefined {
  const hint = params.get('login_hint');
  if (hint === undefined || hint.length > MAX_LOGIN_HINT_LENGTH || /\p{Cc}/u.test(hint)) return undefined;
  return hint;
}
