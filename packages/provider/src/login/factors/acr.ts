/**
 * Authentication Context Class References (OIDC Core §2 `acr`) and Methods References (RFC 8176 `amr`)
 * as Latchkey computes them: from the factors actually used in a sign-in, never from what was asked.
 *
 * Decision: three classes, ordered. `pwd` is one factor (a password); `mfa` is two factors of
 * different kinds (a password and a one-time code); `phr` is phishing-resistant (a passkey with user
 * verification, or a password and a passkey). A higher class satisfies a request for a lower one.
 */
export const ACR = {
  pwd: 'urn:latchkey:acr:pwd',
  mfa: 'urn:latchkey:acr:mfa',
  phr: 'urn:latchkey:acr:phr',
} as const;

export type Acr = (typeof ACR)[keyof typeof ACR];

/** Discovery's `acr_values_supported` (OIDC Discovery §3), weakest first. */
export const ACR_VALUES_SUPPORTED: readonly Acr[] = [ACR.pwd, ACR.mfa, ACR.phr];

export function isAcr(value: string): value is Acr {
  return (ACR_VALUES_SUPPORTED as readonly string[]).includes(value);
}

/** 0 for pwd, 1 for mfa, 2 for phr; -1 for none. */
export function acrRank(acr: string | null | undefined): number {
  return acr === null || acr === undefined ? -1 : ACR_VALUES_SUPPORTED.indexOf(acr as Acr);
}

/** RFC 8176 §2: methods that are a factor of their own (`mfa` and `user` describe, they are not factors). */
const KNOWLEDGE = new Set(['pwd', 'pin']);
const POSSESSION = new Set(['otp', 'hwk', 'swk']);
/** A passkey: proof of a key bound to the origin (WebAuthn), so a phishing site cannot relay it. */
const PHISHING_RESISTANT = new Set(['hwk', 'swk']);

/**
 * The `amr` of a sign-in from the methods used, in the order used, with `mfa` added when factors of two
 * kinds were used (RFC 8176 §2: "mfa: Multiple-factor authentication").
 */
export function amrOf(methods: readonly string[]): string[] {
  const used = [...new Set(methods.filter((m) => m !== 'mfa'))];
  const multi = used.some((m) => KNOWLEDGE.has(m)) && used.some((m) => POSSESSION.has(m));
  return multi ? [...used, 'mfa'] : used;
}

/**
 * The class a sign-in with these methods reached. A passkey with user verification (`user`, RFC 8176)
 * is two factors in one and phishing-resistant; a password and a one-time code are `mfa`; one factor
 * alone is `pwd`. Null when nothing was used.
 */
export function acrOf(amr: readonly string[]): Acr | null {
  const used = new Set(amr);
  const passkey = [...used].some((m) => PHISHING_RESISTANT.has(m));
  if (passkey && (used.has('user') || used.has('pwd') || used.has('pin'))) return ACR.phr;
  const knowledge = [...used].some((m) => KNOWLEDGE.has(m)) || used.has('user');
  const possession = [...used].some((m) => POSSESSION.has(m));
  if (knowledge && possession) return ACR.mfa;
  return used.size === 0 ? null : ACR.pwd;
}
