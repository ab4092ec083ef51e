/**
 * The DPoP settings shared by everything that verifies proofs (the middleware, the provider), checked
 * once with a TypeError naming the option.
 */
import { ALGORITHMS, isJwsAlgorithm, type JwsAlgorithm } from '../jose/algorithms.js';
import { parseOptionalDuration } from '../lib/duration.js';
import type { DpopNonceSource } from './nonce.js';
import { type DpopReplayCache, MemoryReplayCache } from './replay-cache.js';
import { DEFAULT_DPOP_ALGORITHMS, type DpopProofPolicy } from './verify-proof.js';

export interface DpopOptions {
  /** Refuse Bearer tokens entirely: only DPoP-bound tokens with a proof pass. Default false. */
  readonly required?: boolean;
  /** Asymmetric algorithms accepted for proofs. Default ES256, ES384, PS256, RS256, EdDSA. */
  readonly algorithms?: readonly JwsAlgorithm[];
  /** Where proof `jti`s are remembered. Default a `MemoryReplayCache` (one per middleware). */
  readonly replayCache?: DpopReplayCache;
  /** Require server nonces (RFC 9449 §9). */
  readonly nonces?: DpopNonceSource;
  /** The oldest proof accepted, by `iat` (seconds or `'1m'`; default 60 s). */
  readonly maxAge?: number | string;
  /** How far ahead a proof's `iat` may be (default 5 s). */
  readonly clockTolerance?: number | string;
  /**
   * The public origin of this service (`https://api.example.com`), for `htu`. Needed behind a proxy
   * that changes the host or scheme; default: the request's `Host` and connection.
   */
  readonly origin?: string;
  /** The clock, epoch milliseconds. */
  readonly now?: () => number;
}

export interface DpopSettings extends DpopProofPolicy {
  readonly required: boolean;
  readonly origin: string | undefined;
}

export function checkDpopOptions(options: DpopOptions, name: string): DpopSettings {
  if (typeof options !== 'object' || options === null) throw new TypeError(`${name} must be an object`);
  const algorithms = options.algorithms ?? DEFAULT_DPOP_ALGORITHMS;
  if (
    !Array.isArray(algorithms) ||
    algorithms.length === 0 ||
    !algorithms.every((alg) => isJwsAlgorithm(alg) && ALGORITHMS[alg].asymmetric)
  ) {
    throw new TypeError(`${name}.algorithms must be a non-empty list of asymmetric algorithms`);
  }
  const replayCache = options.replayCache ?? new MemoryReplayCache();
  if (typeof replayCache.remember !== 'function') {
    throw new TypeError(`${name}.replayCache must have a remember(key, expiresAt, at) method`);
  }
  const nonces = options.nonces;
  if (
    nonces !== undefined &&
    (typeof nonces.current !== 'function' || typeof nonces.isValid !== 'function')
  ) {
    throw new TypeError(`${name}.nonces must come from createDpopNonces`);
  }
  let origin: string | undefined;
  if (options.origin !== undefined) {
    const url =
      typeof options.origin === 'string' && URL.canParse(options.origin)
        ? new URL(options.origin)
        : undefined;
    if (
      url === undefined ||
      (url.protocol !== 'https:' && url.protocol !== 'http:') ||
      url.origin !== options.origin
    ) {
      throw new TypeError(`${name}.origin must be an origin like https://api.example.com (no path)`);
    }
    origin = url.origin;
  }
  const now = options.now ?? Date.now;
  if (typeof now !== 'function') throw new TypeError(`${name}.now must be a function`);
  return {
    required: options.required === true,
    algorithms: Object.freeze([...algorithms]),
    replayCache,
    nonces,
    maxAge: parseOptionalDuration(options.maxAge, `${name}.maxAge`, 60),
    clockTolerance: parseOptionalDuration(options.clockTolerance, `${name}.clockTolerance`, 5),
    origin,
    now,
  };
}
