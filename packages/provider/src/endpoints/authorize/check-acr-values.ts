import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';

/**
 * OIDC Core §3.1.2.1: requested Authentication Context Class References, voluntary. Bounded here; the
 * policy (login/factors/policy.ts) asks for the factors the supported ones need and ignores the others.
 */
export function checkAcrValues(params: RequestParams): string[] {
  const values = params.list('acr_values');
  if (values.length > 10 || values.some((v) => v.length > 200)) {
    throw new InvalidRequest('The acr_values must be up to 10 values');
  }
  return values;
}
