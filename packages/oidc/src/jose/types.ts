import type { KeyObject } from 'node:crypto';
import type { AlgorithmSpec, JwsAlgorithm } from './algorithms.js';

/**
 * A key bound to exactly one algorithm (RFC 8725 §3.1): the algorithm is fixed when the key
 * is imported or generated, and a token can never make a key serve another one.
 */
export interface JoseKey {
  readonly alg: JwsAlgorithm;
  readonly spec: AlgorithmSpec;
  readonly kid: string | undefined;
  readonly use: 'sig' | undefined;
  /** `public` and `private` for asymmetric keys, `secret` for HMAC (`oct`) keys. */
  readonly type: 'public' | 'private' | 'secret';
  readonly keyObject: KeyObject;
}

/** The protected header of a JWS, after strict parsing. Only the members we act on are typed. */
export interface JwsHeader {
  readonly alg: JwsAlgorithm;
  readonly kid?: string;
  readonly typ?: string;
  readonly cty?: string;
  readonly crit?: readonly string[];
  readonly [member: string]: unknown;
}

/**
 * Anything that picks the verification key for a token from its protected header.
 * LocalKeySet and RemoteKeySet implement it. Header `jwk`, `jku`, `x5u`, `x5c` are never used
 * (RFC 8725 §3.10): only `kid` and `alg` select, and `kid` is an opaque map key.
 */
export interface KeySet {
  resolve(header: JwsHeader): JoseKey | Promise<JoseKey>;
}

/** A public or private JWK as JSON (RFC 7517). */
export interface Jwk {
  kty: string;
  kid?: string;
  alg?: string;
  use?: string;
  key_ops?: string[];
  crv?: string;
  x?: string;
  y?: string;
  d?: string;
  n?: string;
  e?: string;
  p?: string;
  q?: string;
  dp?: string;
  dq?: string;
  qi?: string;
  k?: string;
  [member: string]: unknown;
}

export interface JwkSet {
  keys: Jwk[];
}
