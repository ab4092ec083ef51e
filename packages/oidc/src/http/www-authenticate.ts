/**
 * The `WWW-Authenticate: Bearer …` challenge, RFC 6750 §3 and RFC 9728 §5.1.
 */

/** The error codes of RFC 6750 §3.1, and RFC 9470 §3's step-up. */
export type BearerErrorCode =
  | 'invalid_request'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'insufficient_user_authentication';

export interface BearerChallengeParams {
  /** The protection space (RFC 9110 §11.5). */
  readonly realm?: string | undefined;
  /** Leave out when the request had no token at all (RFC 6750 §3.1: no error code then). */
  readonly error?: BearerErrorCode | undefined;
  /** A human-readable explanation for the developer, not the end user (RFC 6750 §3). */
  readonly errorDescription?: string | undefined;
  /** The scopes needed, for `insufficient_scope` (RFC 6750 §3). */
  readonly scope?: readonly string[] | undefined;
  /** The URL of this resource's protected resource metadata (RFC 9728 §5.1). */
  readonly resourceMetadata?: string | undefined;
  /** RFC 9470 §3: the acr values that would do, in order of preference. */
  readonly acrValues?: readonly string[] | undefined;
  /** RFC 9470 §3: the largest acceptable age of the authentication, in seconds. */
  readonly maxAge?: number | undefined;
}

// The longest error_description we send: enough for any JoseError message, small enough to keep a
// header line short however long a message grows.
const MAX_DESCRIPTION = 200;

/** The error codes of RFC 9449 §7.1 and §12.2, besides those of RFC 6750. */
export type DpopErrorCode = BearerErrorCode | 'invalid_dpop_proof' | 'use_dpop_nonce';

export interface DpopChallengeParams extends Omit<BearerChallengeParams, 'error'> {
  readonly error?: DpopErrorCode | undefined;
  /** The proof algorithms accepted (RFC 9449 §7.1 `algs`). */
  readonly algs?: readonly string[] | undefined;
}

/** Builds the `WWW-Authenticate` value, e.g. `Bearer realm="api", error="invalid_token", error_description="…"`. */
export function bearerChallenge(params: BearerChallengeParams = {}): string {
  return challengeOf('Bearer', params);
}

/** The `DPoP …` challenge (RFC 9449 §7.1), e.g. `DPoP error="invalid_dpop_proof", algs="ES256 RS256"`. */
export function dpopChallenge(params: DpopChallengeParams = {}): string {
  return challengeOf('DPoP', params);
}

function challengeOf(scheme: string, params: DpopChallengeParams): string {
  const parts: string[] = [];
  if (params.realm !== undefined) parts.push(param('realm', params.realm));
  if (params.error !== undefined) {
    parts.push(param('error', params.error));
    if (params.errorDescription !== undefined) {
      parts.push(param('error_description', descriptionText(params.errorDescription)));
    }
  }
  // RFC 6750 §3: scope = space-delimited, case-sensitive scope values.
  if (params.scope !== undefined && params.scope.length > 0)
    parts.push(param('scope', params.scope.join(' ')));
  // RFC 9470 §3: acr_values space-separated, max_age a whole number of seconds, both quoted.
  if (params.acrValues !== undefined && params.acrValues.length > 0) {
    parts.push(param('acr_values', params.acrValues.join(' ')));
  }
  if (params.maxAge !== undefined) parts.push(param('max_age', String(Math.floor(params.maxAge))));
  if (params.resourceMetadata !== undefined) parts.push(param('resource_metadata', params.resourceMetadata));
  if (params.algs !== undefined && params.algs.length > 0) parts.push(param('algs', params.algs.join(' ')));
  return parts.length === 0 ? scheme : `${scheme} ${parts.join(', ')}`;
}

// RFC 9110 §5.6.4 quoted-string: a backslash escapes `"` and `\`. Any other character that cannot
// appear in a header field value (controls, non-ASCII) becomes `?`, so a value can never break the
// header or inject another one.
function param(name: string, value: string): string {
  const safe = value.replace(/[^\x20-\x7e]/g, '?').replace(/["\\]/g, '\\$&');
  return `${name}="${safe}"`;
}

// RFC 6750 §3: error_description is limited to %x20-21 / %x23-5B / %x5D-7E (no `"`, no `\`).
// Used for the JSON body too, so both say the same thing.
export function descriptionText(description: string): string {
  const clean = description
    .replace(/"/g, "'")
    .replace(/\\/g, '/')
    .replace(/[^\x20-\x7e]/g, '?');
  return clean.length > MAX_DESCRIPTION ? `${clean.slice(0, MAX_DESCRIPTION - 3)}...` : clean;
}
