import { type JoseKey, type JwsAlgorithm, signJwt } from '@latchkey/oidc';
import { tokenHash } from './token-hash.js';

export interface IdTokenInput {
  readonly issuer: string;
  readonly clientId: string;
  readonly subject: string;
  readonly issuedAt: number;
  /** Seconds. */
  readonly lifetime: number;
  readonly authTime: number;
  readonly nonce: string | null;
  readonly acr: string | null;
  readonly amr: readonly string[];
  readonly sid: string | null;
  /** The access token issued with it, for `at_hash`. */
  readonly accessToken?: string;
  /** The ID token's signing algorithm: `at_hash` uses its hash. */
  readonly alg: JwsAlgorithm;
  /** End-user claims to include (already limited to what may be released). */
  readonly userClaims?: Readonly<Record<string, unknown>>;
}

/**
 * The ID token's claims (OIDC Core §2, §3.1.3.3). The protocol claims are set last, so a user claim
 * can never stand in for `iss`, `sub`, `aud` or any other of them.
 */
export function idTokenClaims(input: IdTokenInput): Record<string, unknown> {
  return {
    ...input.userClaims,
    iss: input.issuer,
    sub: input.subject,
    aud: input.clientId,
    exp: input.issuedAt + input.lifetime,
    iat: input.issuedAt,
    auth_time: input.authTime,
    // OIDC Core §3.1.2.1: nonce is echoed only when the request carried one.
    ...(input.nonce === null ? {} : { nonce: input.nonce }),
    ...(input.acr === null ? {} : { acr: input.acr }),
    ...(input.amr.length === 0 ? {} : { amr: [...input.amr] }),
    // OIDC Core §2: azp is the party the token was issued to; with a single audience it equals aud,
    // and sending it anyway lets relying parties that check it (J20) do so.
    azp: input.clientId,
    // OIDC Core §3.1.3.6 / §3.3.2.11 (checklist J22).
    ...(input.accessToken === undefined ? {} : { at_hash: tokenHash(input.accessToken, input.alg) }),
    // OIDC Back-Channel Logout §2.1 / Front-Channel Logout §3.
    ...(input.sid === null ? {} : { sid: input.sid }),
  };
}

/** OIDC Core §2: a signed JWT; `typ: JWT` (RFC 7519 §5.1) keeps it apart from `at+jwt` (J21). */
export function signIdToken(claims: Record<string, unknown>, key: JoseKey): string {
  return signJwt(claims, key, { typ: 'JWT' });
}
