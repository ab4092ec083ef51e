import type { Display } from '../../authorization/request.js';
import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';

export const DISPLAY_VALUES: readonly Display[] = ['page', 'popup', 'touch', 'wap'];

/**
 * OIDC Core §3.1.2.1: how to display the pages. The pages are responsive, so every value gets the same
 * pages (they fit a popup and a phone); an unknown value is an error.
 */
export function checkDisplay(params: RequestParams): Display {
  const display = params.get('display');
  if (display === undefined) return 'page';
  if (!(DISPLAY_VALUES as readonly string[]).includes(display)) {
    throw new InvalidRequest(`The display must be one of ${DISPLAY_VALUES.join(', ')}`);
  }
  return display as Display;
}
