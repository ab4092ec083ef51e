import { ALGORITHMS, ASYMMETRIC_ALGORITHMS, type Jwk, type JwkSet } from '@latchkey/oidc';

/**
 * The last gate before a JWKS is served (K4, RFC 7517 §4–5): every key public, signing-only, of an
 * algorithm from the table, with the key type and curve that algorithm requires, and a unique kid.
 * Members are allow-listed per key type, so a private member (`d`, `p`, `k`, …) or anything unknown
 * can never reach the wire, whatever its name.
 */
const PUBLIC_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  RSA: ['n', 'e'], // RFC 7518 §6.3.1
  EC: ['crv', 'x', 'y'], // RFC 7518 §6.2.1
  OKP: ['crv', 'x'], // RFC 8037 §2
};
const COMMON_MEMBERS = ['kty', 'kid', 'alg', 'use'];

export class UnpublishableJwksError extends Error {
  override readonly name = 'UnpublishableJwksError';
  readonly code = 'ERR_JWKS_UNPUBLISHABLE';
}

export function assertPublishableJwks(jwks: JwkSet): void {
  if (jwks === null || typeof jwks !== 'object' || !Array.isArray(jwks.keys)) {
    throw new UnpublishableJwksError('A JWKS must be an object with a "keys" array');
  }
  const kids = new Set<string>();
  for (const [index, jwk] of jwks.keys.entries()) {
    const where = `JWKS key #${index}`;
    assertPublicSigningKey(jwk, where);
    if (kids.has(jwk.kid!))
      throw new UnpublishableJwksError(`${where}: duplicate kid ${JSON.stringify(jwk.kid)}`);
    kids.add(jwk.kid!);
  }
}

function assertPublicSigningKey(jwk: Jwk, where: string): void {
  if (jwk === null || typeof jwk !== 'object') throw new UnpublishableJwksError(`${where}: not an object`);
  if (typeof jwk.kid !== 'string' || jwk.kid === '') throw new UnpublishableJwksError(`${where}: no kid`);
  if (!(ASYMMETRIC_ALGORITHMS as readonly unknown[]).includes(jwk.alg)) {
    throw new UnpublishableJwksError(`${where}: unknown or non-public algorithm ${JSON.stringify(jwk.alg)}`);
  }
  const spec = ALGORITHMS[jwk.alg as keyof typeof ALGORITHMS];
  if (jwk.kty !== spec.kty)
    throw new UnpublishableJwksError(`${where}: kty ${jwk.kty} does not fit ${spec.alg}`);
  if (spec.crv !== undefined && jwk.crv !== spec.crv) {
    throw new UnpublishableJwksError(`${where}: crv ${String(jwk.crv)} does not fit ${spec.alg}`);
  }
  if (jwk.use !== undefined && jwk.use !== 'sig')
    throw new UnpublishableJwksError(`${where}: use must be "sig"`);
  const allowed = new Set([...COMMON_MEMBERS, ...(PUBLIC_MEMBERS[spec.kty] ?? [])]);
  for (const member of Object.keys(jwk)) {
    // Names only, never values: this error may be logged.
    if (!allowed.has(member))
      throw new UnpublishableJwksError(`${where}: member "${member}" may not be published`);
  }
  for (const member of PUBLIC_MEMBERS[spec.kty] ?? []) {
    if (typeof jwk[member] !== 'string' || jwk[member] === '') {
      throw new UnpublishableJwksError(`${where}: missing ${member}`);
    }
  }
}
