/**
 * Making DPoP proofs (RFC 9449 §4.2) for the relying party and any client: one proof per request,
 * signed by the client's key, naming the method and URI, and the access token (`ath`) when one is
 * sent. The prover keeps the last `DPoP-Nonce` each server gave (§8, §9) and puts it in the next proof.
 */
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { accessTokenHash } from '../dpop/verify-proof.js';
import { exportJwk } from '../jose/jwk/export.js';
import { jwkThumbprint } from '../jose/jwk/thumbprint.js';
import { signJws } from '../jose/jws/sign.js';
import type { JoseKey, Jwk } from '../jose/types.js';
import type { RandomBytes } from './random.js';

export interface DpopKeyPair {
  readonly privateKey: JoseKey;
  readonly publicKey: JoseKey;
}

export interface CreateDpopProofOptions {
  /** The HTTP method, e.g. `POST`. */
  readonly htm: string;
  /** The request URI; query and fragment are left out of the proof (§4.2). */
  readonly htu: string;
  /** The access token the request carries, hashed into `ath` (§4.2). */
  readonly accessToken?: string | undefined;
  /** The server's nonce (§8, §9). */
  readonly nonce?: string | undefined;
  /** The clock, epoch milliseconds. */
  readonly now?: () => number;
  readonly randomBytes?: RandomBytes;
}

/** One DPoP proof JWT. */
export function createDpopProof(keys: DpopKeyPair, options: CreateDpopProofOptions): string {
  checkKeys(keys);
  const url = new URL(options.htu);
  const random = options.randomBytes ?? nodeRandomBytes;
  const now = options.now ?? Date.now;
  const claims: Record<string, unknown> = {
    // §4.2: a unique identifier; 128 random bits make a collision negligible.
    jti: Buffer.from(random(16)).toString('base64url'),
    htm: options.htm,
    htu: `${url.origin}${url.pathname}`,
    iat: Math.floor(now() / 1000),
  };
  if (options.nonce !== undefined) claims.nonce = options.nonce;
  if (options.accessToken !== undefined) claims.ath = accessTokenHash(options.accessToken);
  // §4.2: `jwk` is the public key only.
  return signJws(
    { typ: 'dpop+jwt', jwk: publicJwk(keys.publicKey) },
    JSON.stringify(claims),
    keys.privateKey,
  );
}

/** The bare public JWK of a key: key type and key material, nothing else. */
function publicJwk(key: JoseKey): Jwk {
  const { kid: _kid, alg: _alg, use: _use, ...material } = exportJwk(key);
  return material as Jwk;
}

function checkKeys(keys: DpopKeyPair): void {
  if (
    typeof keys !== 'object' ||
    keys === null ||
    keys.privateKey?.type !== 'private' ||
    keys.publicKey?.type !== 'public' ||
    keys.privateKey.alg !== keys.publicKey.alg
  ) {
    throw new TypeError('dpop keys must be a private and a public key of one asymmetric algorithm');
  }
}

/** A client's DPoP key with the nonces its servers gave it. */
export class DpopProver {
  readonly keys: DpopKeyPair;
  /** The RFC 7638 thumbprint of the public key: what tokens are bound to (`cnf.jkt`). */
  readonly jkt: string;
  readonly #nonces = new Map<string, string>();
  readonly #now: () => number;
  readonly #random: RandomBytes | undefined;

  constructor(keys: DpopKeyPair, options: { now?: () => number; randomBytes?: RandomBytes } = {}) {
    checkKeys(keys);
    this.keys = keys;
    this.jkt = jwkThumbprint(keys.publicKey);
    this.#now = options.now ?? Date.now;
    this.#random = options.randomBytes;
  }

  /** A proof for one request, with the last nonce this URI's server gave. */
  proof(htm: string, htu: string, accessToken?: string): string {
    return createDpopProof(this.keys, {
      htm,
      htu,
      accessToken,
      nonce: this.#nonces.get(new URL(htu).origin),
      now: this.#now,
      ...(this.#random === undefined ? {} : { randomBytes: this.#random }),
    });
  }

  /** Keeps the `DPoP-Nonce` of a response; true when it is new (worth one retry after `use_dpop_nonce`). */
  rememberNonce(url: string, headers: Headers): boolean {
    const nonce = headers.get('dpop-nonce');
    // §8.1: nonce = 1*NQCHAR.
    if (nonce === null || !/^[\x21\x23-\x5b\x5d-\x7e]{1,512}$/.test(nonce)) return false;
    const origin = new URL(url).origin;
    const isNew = this.#nonces.get(origin) !== nonce;
    this.#nonces.set(origin, nonce);
    return isNew;
  }
}
