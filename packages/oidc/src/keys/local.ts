import { ALGORITHM_NAMES, ALGORITHMS, type JwsAlgorithm, type KeyType } from '../jose/algorithms.js';
import { JoseError } from '../jose/errors.js';
import { importJwk } from '../jose/jwk/import.js';
import type { JoseKey, JwsHeader, KeySet } from '../jose/types.js';
import { checkAlgorithmsOption } from '../lib/algorithms-option.js';
import { isJsonObject } from '../lib/is-object.js';

/** Which keys `select` returns; every given member must match. */
export interface KeySelector {
  kid?: string;
  alg?: JwsAlgorithm;
  kty?: KeyType;
  use?: 'sig';
}

export interface LocalKeySetFromJwksOptions {
  /**
   * The algorithms keys may be bound to. Default: the asymmetric ones. `oct` (HMAC) keys are read
   * only when an HS algorithm is listed here, because a published JWKS never carries secrets.
   */
  algorithms?: readonly JwsAlgorithm[];
}

// RFC 7517 §4 / RFC 7518 §6: members that only a private (or secret) key has. A published set
// with any of them leaks a key, and we never verify with something that was meant to stay private.
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth'] as const;

const ASYMMETRIC_DEFAULT: readonly JwsAlgorithm[] = ALGORITHM_NAMES.filter((a) => ALGORITHMS[a].asymmetric);

/**
 * A fixed set of verification keys. `kid` is only ever an opaque Map key (RFC 8725 §3.10,
 * checklist J6): it is never a path, a query or a URL. `resolve` is synchronous.
 */
export class LocalKeySet implements KeySet {
  readonly #keys: readonly JoseKey[];
  readonly #byKid = new Map<string, JoseKey[]>();
  readonly #byAlg = new Map<JwsAlgorithm, JoseKey[]>();

  constructor(keys: readonly JoseKey[]) {
    if (!Array.isArray(keys)) throw new TypeError('keys must be an array of JoseKey');
    for (const key of keys) {
      if (typeof key !== 'object' || key === null || !Object.hasOwn(ALGORITHMS, key.alg)) {
        throw new TypeError('keys must be an array of JoseKey');
      }
      if (key.kid !== undefined) {
        const same = this.#byKid.get(key.kid);
        if (same?.some((k) => k.alg === key.alg)) throw new TypeError('two keys share a kid and an alg');
        if (same === undefined) this.#byKid.set(key.kid, [key]);
        else same.push(key);
      }
      const forAlg = this.#byAlg.get(key.alg);
      if (forAlg === undefined) this.#byAlg.set(key.alg, [key]);
      else forAlg.push(key);
    }
    this.#keys = Object.freeze([...keys]);
  }

  /**
   * Reads a JWK Set, skipping every key it cannot safely use (checklist K4): `use` other than
   * `sig`, private members, unsupported `kty`/`crv`/`alg`, keys too weak, and every key whose
   * `kid` is shared by another usable key (RFC 7517 §4.5: kids should be distinct; a shared one
   * cannot select). An RSA (or oct) JWK without `alg` is bound to each allowed algorithm of its
   * type, as one key each. Throws ERR_JWKS_INVALID only when the document is not a JWK Set.
   */
  static fromJwks(jwks: unknown, options: LocalKeySetFromJwksOptions = {}): LocalKeySet {
    const allowed =
      options.algorithms === undefined ? ASYMMETRIC_DEFAULT : checkAlgorithmsOption(options.algorithms);
    if (!isJsonObject(jwks) || !Array.isArray(jwks.keys)) {
      throw new JoseError('ERR_JWKS_INVALID', 'the JWKS has no "keys" array');
    }
    const candidates = jwks.keys.filter((jwk): jwk is Record<string, unknown> => isCandidate(jwk, allowed));
    const kidCounts = new Map<unknown, number>();
    for (const jwk of candidates) kidCounts.set(jwk.kid, (kidCounts.get(jwk.kid) ?? 0) + 1);

    const keys: JoseKey[] = [];
    for (const jwk of candidates) {
      if (jwk.kid !== undefined && kidCounts.get(jwk.kid) !== 1) continue;
      for (const alg of algorithmsFor(jwk, allowed)) {
        try {
          keys.push(importJwk(jwk, { alg }));
        } catch {
          // Unusable for this algorithm (curve, size, key_ops, malformed): skip it, keep the rest.
        }
      }
    }
    return new LocalKeySet(keys);
  }

  /** Every key, in order. */
  get keys(): readonly JoseKey[] {
    return this.#keys;
  }

  /** Picks the key for a token: by `kid` and `alg`; without `kid`, the only key for that `alg`. */
  resolve(header: JwsHeader): JoseKey {
    const kid = header.kid;
    if (kid !== undefined) {
      const sameKid = this.#byKid.get(kid);
      if (sameKid !== undefined) {
        for (const key of sameKid) if (key.alg === header.alg) return key;
      }
      throw new JoseError('ERR_JWKS_NO_MATCHING_KEY');
    }
    const forAlg = this.#byAlg.get(header.alg);
    if (forAlg === undefined) throw new JoseError('ERR_JWKS_NO_MATCHING_KEY');
    if (forAlg.length > 1) throw new JoseError('ERR_JWKS_MULTIPLE_MATCHING_KEYS');
    return forAlg[0]!;
  }

  /** The keys matching every member given in `selector`. */
  select(selector: KeySelector = {}): JoseKey[] {
    return this.#keys.filter(
      (key) =>
        (selector.kid === undefined || key.kid === selector.kid) &&
        (selector.alg === undefined || key.alg === selector.alg) &&
        (selector.kty === undefined || key.spec.kty === selector.kty) &&
        (selector.use === undefined || key.use === selector.use),
    );
  }
}

/** Cheap checks before any import: shape, use, private members, key type, kid type. */
function isCandidate(jwk: unknown, allowed: readonly JwsAlgorithm[]): boolean {
  if (!isJsonObject(jwk)) return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.kid !== undefined && typeof jwk.kid !== 'string') return false;
  if (PRIVATE_MEMBERS.some((member) => jwk[member] !== undefined)) return false;
  return allowed.some((alg) => ALGORITHMS[alg].kty === jwk.kty);
}

/** The algorithms to bind a JWK to: its own `alg`, its curve's, or every allowed one of its type. */
function algorithmsFor(jwk: Record<string, unknown>, allowed: readonly JwsAlgorithm[]): JwsAlgorithm[] {
  if (jwk.alg !== undefined) return allowed.filter((alg) => alg === jwk.alg);
  return allowed.filter((alg) => {
    const spec = ALGORITHMS[alg];
    return spec.kty === jwk.kty && (spec.crv === undefined || spec.crv === jwk.crv);
  });
}
