import { InvalidRequest } from '../errors/index.js';

/** One entry of the `claims` request parameter (OIDC Core §5.5.1): null, or these members. */
export interface ClaimRequest {
  readonly essential?: boolean;
  readonly value?: unknown;
  readonly values?: readonly unknown[];
}

/** The `claims` request parameter (OIDC Core §5.5): which claims go to UserInfo and the ID token. */
export interface ClaimsRequest {
  readonly userinfo: ReadonlyMap<string, ClaimRequest | null>;
  readonly idToken: ReadonlyMap<string, ClaimRequest | null>;
}

export const EMPTY_CLAIMS_REQUEST: ClaimsRequest = { userinfo: new Map(), idToken: new Map() };

/** Bounds on what a client may ask for: far above any real request, small enough to stay cheap. */
const MAX_CLAIMS_PER_MEMBER = 100;
const MAX_CLAIM_NAME = 128;

/**
 * Parses and checks the `claims` request parameter (OIDC Core §5.5). Absent → empty. Malformed →
 * `invalid_request` (the authorization endpoint calls this when the request arrives; the token
 * endpoint and UserInfo read the stored copy through it again). Members other than `userinfo` and
 * `id_token` are ignored (§5.5: "other members MAY be present… MUST be ignored if not understood").
 */
export function parseClaimsRequest(json: string | null | undefined): ClaimsRequest {
  if (json === null || json === undefined) return EMPTY_CLAIMS_REQUEST;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw new InvalidRequest('The claims parameter is not valid JSON');
  }
  if (!isObject(parsed)) throw new InvalidRequest('The claims parameter must be a JSON object');
  return {
    userinfo: parseMember(parsed, 'userinfo'),
    idToken: parseMember(parsed, 'id_token'),
  };
}

function parseMember(request: Record<string, unknown>, member: string): Map<string, ClaimRequest | null> {
  const claims = new Map<string, ClaimRequest | null>();
  if (!Object.hasOwn(request, member)) return claims;
  const value = request[member];
  if (!isObject(value)) throw new InvalidRequest(`The claims parameter's ${member} member must be an object`);
  const entries = Object.entries(value);
  if (entries.length > MAX_CLAIMS_PER_MEMBER) {
    throw new InvalidRequest(`The claims parameter's ${member} member asks for too many claims`);
  }
  for (const [name, entry] of entries) {
    if (name.length === 0 || name.length > MAX_CLAIM_NAME) {
      throw new InvalidRequest(`The claims parameter's ${member} member has an invalid claim name`);
    }
    claims.set(name, parseEntry(entry, member));
  }
  return claims;
}

// OIDC Core §5.5.1: null (default manner), or an object with essential / value / values.
function parseEntry(entry: unknown, member: string): ClaimRequest | null {
  if (entry === null) return null;
  if (!isObject(entry)) {
    throw new InvalidRequest(
      `Each claim in the claims parameter's ${member} member must be null or an object`,
    );
  }
  const { essential, value, values } = entry;
  if (essential !== undefined && typeof essential !== 'boolean') {
    throw new InvalidRequest('The essential member of a requested claim must be a boolean');
  }
  if (values !== undefined && !Array.isArray(values)) {
    throw new InvalidRequest('The values member of a requested claim must be an array');
  }
  return {
    ...(essential === undefined ? {} : { essential }),
    ...(value === undefined ? {} : { value }),
    ...(values === undefined ? {} : { values: values as unknown[] }),
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
