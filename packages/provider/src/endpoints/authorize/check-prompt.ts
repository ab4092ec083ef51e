import type { Prompt } from '../../authorization/request.js';
import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';

export const PROMPT_VALUES: readonly Prompt[] = ['none', 'login', 'consent', 'select_account'];

/**
 * OIDC Core §3.1.2.1: a space-delimited list of `none`, `login`, `consent`, `select_account`; `none`
 * with any other value is an error. An unknown value is an `invalid_request` too: the client asked for
 * a behaviour this provider cannot promise.
 */
export function checkPrompt(params: RequestParams): Prompt[] {
  const values = params.list('prompt');
  for (const value of values) {
    if (!(PROMPT_VALUES as readonly string[]).includes(value)) {
      throw new InvalidRequest(`The prompt value ${JSON.stringify(value.slice(0, 40))} is not supported`);
    }
  }
  if (values.includes('none') && values.length > 1) {
    throw new InvalidRequest('prompt=none cannot be combined with other prompt values');
  }
  return values as Prompt[];
}
