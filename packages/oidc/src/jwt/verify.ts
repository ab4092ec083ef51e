import type { JwsAlgorithm } from '../jose/algorithms.js';
import { JoseError } from '../jose/errors.js';
import { parseJsonObject } from '../jose/json.js';
import { type ParseJwsOptions, type ReadJws, readCompactJws } from '../jose/jws/parse.js';
import { verifyReadSignature } from '../jose/jws/verify.js';
import type { JoseKey, JwsHeader, KeySet } from '../jose/types.js';
import { checkAlgorithmsOption } from '../lib/algorithms-option.js';
import { deepFreeze } from '../lib/deep-freeze.js';
import { type ClaimsValidationOptions, ClaimsValidator, type JwtClaims } from './claims.js';
import { VerifiedTokenCache, type VerifiedTokenCacheOptions } from './verified-cache.js';

export interface VerifyJwtOptions extends ClaimsValidationOptions {
  /** The algorithms accepted (RFC 8725 §3.1: the caller chooses, never the token). Default: the key's. */
  algorithms?: readonly JwsAlgorithm[];
  /** Largest token accepted, in characters (default 16 KiB). */
  maxTokenSize?: number;
}

/** Options of a reusable verifier (`createJwtVerifier`), beyond those of a one-off `verifyJwt`. */
export interface JwtVerifierOptions extends VerifyJwtOptions {
  /**
   * Remember up to `maxEntries` tokens that verified, so the same token presented again skips the
   * signature (the costly part) while its time claims and its key's presence in the key set are checked
   * on every use. Off by default. Claims and header of a cached token are frozen: callers share them.
   */
  cache?: VerifiedTokenCacheOptions;
}

export interface VerifiedJwt<C extends JwtClaims = JwtClaims> {
  readonly claims: C;
  readonly header: JwsHeader;
  readonly key: JoseKey;
}

/**
 * A JWT verifier compiled from options once (TypeErrors then), reused for every token.
 * Per token: parse → allowed alg → resolve the key (synchronously when the key set can) →
 * signature → claims JSON → claims rules. Claims are only read from an authentic token.
 */
export class JwtVerifier<C extends JwtClaims = JwtClaims> {
  readonly #claims: ClaimsValidator;
  readonly #algorithms: readonly JwsAlgorithm[] | undefined;
  readonly #parseOptions: ParseJwsOptions;
  readonly #cache: VerifiedTokenCache | undefined;

  constructor(options: JwtVerifierOptions) {
    this.#claims = new ClaimsValidator(options);
    this.#cache = options.cache === undefined ? undefined : new VerifiedTokenCache(options.cache);
    this.#algorithms =
      options.algorithms === undefined ? undefined : checkAlgorithmsOption(options.algorithms);
    const maxTokenSize = options.maxTokenSize;
    if (maxTokenSize !== undefined && (!Number.isSafeInteger(maxTokenSize) || maxTokenSize <= 0)) {
      throw new TypeError('maxTokenSize must be a positive integer');
    }
    this.#parseOptions = maxTokenSize === undefined ? {} : { maxTokenSize };
  }

  verify(token: string, keyOrSet: JoseKey | KeySet): Promise<VerifiedJwt<C>> {
    try {
      if (typeof keyOrSet !== 'object' || keyOrSet === null) {
        throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'a JoseKey or a KeySet is required');
      }
      const cache = this.#cache;
      if (cache !== undefined && typeof token === 'string') {
        const known = cache.lookup(token, keyOrSet);
        if (known !== undefined) return Promise.resolve(this.#recheck(token, known, cache));
      }
      const parsed = readCompactJws(token, this.#parseOptions);
      const header = parsed.header;
      if (this.#algorithms !== undefined && !this.#algorithms.includes(header.alg)) {
        throw new JoseError('ERR_JOSE_ALG_NOT_ALLOWED');
      }
      this.#claims.checkHeader(header);
      const key = 'resolve' in keyOrSet ? keyOrSet.resolve(header) : keyOrSet;
      // No await when the key is at hand: a cached key set answers synchronously.
      if (key instanceof Promise) {
        return key.then((resolved) => this.#remember(token, keyOrSet, this.#finish(parsed, resolved)));
      }
      return Promise.resolve(this.#remember(token, keyOrSet, this.#finish(parsed, key)));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** A cached token: only what depends on the clock can have changed since it verified. */
  #recheck(token: string, known: VerifiedJwt, cache: VerifiedTokenCache): VerifiedJwt<C> {
    try {
      this.#claims.checkTimes(known.claims);
    } catch (error) {
      cache.forget(token);
      throw error;
    }
    return known as VerifiedJwt<C>;
  }

  #remember(token: string, source: JoseKey | KeySet, verified: VerifiedJwt<C>): VerifiedJwt<C> {
    if (this.#cache === undefined) return verified;
    // Shared by every caller that presents this token; the header is frozen already (parse cache).
    deepFreeze(verified.claims);
    this.#cache.remember(token, source, Object.freeze(verified));
    return verified;
  }

  #finish(parsed: ReadJws, key: JoseKey): VerifiedJwt<C> {
    verifyReadSignature(parsed, key);
    const text = parsed.payloadText;
    // RFC 8725 §3.7: the claims set is UTF-8, decoded strictly (checked after the signature, as always).
    if (text === false) throw new JoseError('ERR_JWT_INVALID', 'the JWT claims set is not valid UTF-8');
    const payload = parseJsonObject(text, 'ERR_JWT_INVALID', 'the JWT claims set');
    const claims = this.#claims.validate(parsed.header, payload) as C;
    return { claims, header: parsed.header, key };
  }
}

/** Compiles `options` into a verifier to reuse across tokens. */
export function createJwtVerifier<C extends JwtClaims = JwtClaims>(
  options: JwtVerifierOptions,
): JwtVerifier<C> {
  return new JwtVerifier<C>(options);
}

/**
 * Verifies a JWT signed with `keyOrSet` and checks its claims. Rejects with a JoseError (see its
 * `code`), or a TypeError for bad options. `createJwtVerifier` compiles options explicitly; here
 * the compiled form is reused while the same options object keeps the same values.
 */
export function verifyJwt<C extends JwtClaims = JwtClaims>(
  token: string,
  keyOrSet: JoseKey | KeySet,
  options: VerifyJwtOptions,
): Promise<VerifiedJwt<C>> {
  let verifier: JwtVerifier<C>;
  try {
    verifier = compiledFor<C>(options);
  } catch (error) {
    return Promise.reject(error);
  }
  return verifier.verify(token, keyOrSet);
}

// Callers usually pass one options object (a module constant) with every token. The compiled
// verifier is kept per object and reused only while every option still has the value it was
// compiled from (arrays compared element by element), so mutating the options is always seen.
// The options are read by name, as the constructor reads them: other members change nothing.
interface Compiled {
  readonly snapshot: Required<Record<keyof VerifyJwtOptions, unknown>>;
  readonly verifier: JwtVerifier<JwtClaims>;
}
const compiledByOptions = new WeakMap<object, Compiled>();

function compiledFor<C extends JwtClaims>(options: VerifyJwtOptions): JwtVerifier<C> {
  if (options === null || typeof options !== 'object') return new JwtVerifier<C>(options);
  const cached = compiledByOptions.get(options);
  if (cached !== undefined && sameOptions(cached.snapshot, options)) return cached.verifier as JwtVerifier<C>;
  const snapshot = snapshotOf(options);
  const verifier = new JwtVerifier<C>(options);
  compiledByOptions.set(options, { snapshot, verifier: verifier as JwtVerifier<JwtClaims> });
  return verifier;
}

// One line per option of VerifyJwtOptions; the Record type makes a new option a compile error here.
function snapshotOf(o: VerifyJwtOptions): Compiled['snapshot'] {
  return {
    issuer: o.issuer,
    audience: copyIfArray(o.audience),
    typ: o.typ,
    idToken: o.idToken,
    clockTolerance: o.clockTolerance,
    maxTokenAge: o.maxTokenAge,
    requiredClaims: copyIfArray(o.requiredClaims),
    authorizedParty: o.authorizedParty,
    requireAcr: copyIfArray(o.requireAcr),
    maxAge: o.maxAge,
    now: o.now,
    algorithms: copyIfArray(o.algorithms),
    maxTokenSize: o.maxTokenSize,
  };
}

function sameOptions(kept: Compiled['snapshot'], o: VerifyJwtOptions): boolean {
  return (
    o.issuer === kept.issuer &&
    same(o.audience, kept.audience) &&
    o.typ === kept.typ &&
    o.idToken === kept.idToken &&
    o.clockTolerance === kept.clockTolerance &&
    o.maxTokenAge === kept.maxTokenAge &&
    same(o.requiredClaims, kept.requiredClaims) &&
    o.authorizedParty === kept.authorizedParty &&
    same(o.requireAcr, kept.requireAcr) &&
    o.maxAge === kept.maxAge &&
    o.now === kept.now &&
    same(o.algorithms, kept.algorithms) &&
    o.maxTokenSize === kept.maxTokenSize
  );
}

function copyIfArray(value: unknown): unknown {
  return Array.isArray(value) ? [...value] : value;
}

/** Equal values, or arrays (the kept one a copy) with equal elements. */
function same(value: unknown, kept: unknown): boolean {
  if (value === kept) return true;
  if (!Array.isArray(value) || !Array.isArray(kept) || value.length !== kept.length) return false;
  for (let i = 0; i < value.length; i++) if (value[i] !== kept[i]) return false;
  return true;
}
