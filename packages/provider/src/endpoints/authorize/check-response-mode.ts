import type { ResponseMode } from '../../authorization/request.js';
import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';

export const RESPONSE_MODES: readonly ResponseMode[] = ['query', 'fragment', 'form_post'];

/**
 * OAuth 2.0 Multiple Response Type Encoding Practices §2.1 and Form Post Response Mode §2: `query` (the
 * default for `code`), `fragment` or `form_post`.
 */
export function checkResponseMode(params: RequestParams): ResponseMode {
  const mode = params.get('response_mode');
  if (mode === undefined) return 'query';
  if (!(RESPONSE_MODES as readonly string[]).includes(mode)) {
    throw new InvalidRequest(`The response_mode must be one of ${RESPONSE_MODES.join(', ')}`);
  }
  return mode as ResponseMode;
}
