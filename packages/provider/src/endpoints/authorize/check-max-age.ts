import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';

/**
 * OIDC Core §3.1.2.1: `max_age` is the allowable seconds since the last active authentication; a
 * non-negative integer. Leading zeros are fine; signs, fractions and huge values are not.
 */
export function checkMaxAge(params: RequestParams): number | undefined {
  const raw = params.get('max_age');
  if (raw === undefined) return undefined;
  if (!/^\d{1,10}$/.test(raw)) throw new InvalidRequest('The max_age must be a non-negative integer');
  return Number(raw);
}
