import { parseJsonObject } from '@latchkey/oidc';
import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';

export const MAX_CLAIMS_PARAMETER_LENGTH = 4096;
const TARGETS = ['userinfo', 'id_token'] as const;

/**
 * OIDC Core §5.5: `claims` is a JSON object with optional `userinfo` and `id_token` members, each
 * mapping claim names to null or to `{ essential?: boolean, value?, values?: [] }`. It is validated
 * here and kept, normalised, in the code (the token endpoint releases essential claims from it).
 * Unknown top-level members are ignored (§5.5 lets extensions add some).
 */
export function checkClaimsParameter(params: RequestParams): string | undefined {
  const raw = params.get('claims');
  if (raw === undefined) return undefined;
  const bad = (why: string) => new InvalidRequest(`The claims parameter ${why}`);
  if (raw.length > MAX_CLAIMS_PARAMETER_LENGTH)
    throw bad(`is longer than ${MAX_CLAIMS_PARAMETER_LENGTH} characters`);
  let parsed: Record<string, unknown>;
  try {
    parsed = parseJsonObject(raw, 'ERR_JOSE_INVALID_ARGUMENT', 'the claims parameter', 5);
  } catch {
    throw bad('is not a JSON object');
  }
  const normalised: Record<string, Record<string, unknown>> = {};
  for (const target of TARGETS) {
    const requests = parsed[target];
    if (requests === undefined) continue;
    if (!isObject(requests)) throw bad(`member ${target} must be an object`);
    const out: Record<string, unknown> = {};
    for (const [claim, request] of Object.entries(requests)) {
      if (request !== null && !isClaimRequest(request))
        throw bad(`asks for ${target}.${claim.slice(0, 40)} in a malformed way`);
      out[claim] = request;
    }
    normalised[target] = out;
  }
  return JSON.stringify(normalised);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isClaimRequest(value: unknown): boolean {
  if (!isObject(value)) return false;
  if (value['essential'] !== undefined && typeof value['essential'] !== 'boolean') return false;
  if (value['values'] !== undefined && !Array.isArray(value['values'])) return false;
  return true;
}
