import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';

export const MAX_STATE_LENGTH = 2048;

/**
 * RFC 6749 §4.1.1: `state` is opaque and returned unchanged. Read first, so that even an error about
 * it (sent twice, too long) can still go back to the client; in that case without `state`.
 */
export function checkState(params: RequestParams): string | undefined {
  const state = params.get('state');
  if (state !== undefined && state.length > MAX_STATE_LENGTH) {
    throw new InvalidRequest(`The state must be at most ${MAX_STATE_LENGTH} characters`);
  }
  return state;
}
