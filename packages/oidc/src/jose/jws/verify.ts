import { type SignatureParams, signatureParams, verifyWithParams } from '../../lib/signature.js';
import { transientAsciiBytes, transientEpoch } from '../../lib/transient-bytes.js';
import { isJwsAlgorithm, type JwsAlgorithm } from '../algorithms.js';
import { JoseError } from '../errors.js';
import type { JoseKey, JwsHeader, KeySet } from '../types.js';
import { type ParsedJws, parseCompactJws, type ReadJws, readCompactJws } from './parse.js';

export interface VerifyJwsOptions {
  /** The algorithms the caller accepts; the token never chooses (RFC 8725 §3.1). Default: the key's. */
  algorithms?: readonly JwsAlgorithm[];
  /** Largest token accepted, in characters (default 16 KiB). */
  maxTokenSize?: number;
}

export interface VerifiedJws {
  readonly header: JwsHeader;
  readonly payload: Buffer;
  readonly key: JoseKey;
}

/**
 * Checks the signature of a parsed JWS with one key. The key is bound to one algorithm, and the
 * header must name exactly that one (RFC 8725 §3.1, checklist J2/J3): a token cannot make an RSA
 * key serve HMAC, or PKCS#1 v1.5 serve PSS. `parsed` comes from parseCompactJws, which guarantees
 * an ASCII signing input.
 */
export function verifySignature(parsed: ParsedJws, key: JoseKey): void {
  const params = paramsFor(parsed.header, key);
  // The signing input is base64url and a dot, all ASCII (parseCompactJws checked); the bytes are
  // read synchronously by verifyWithParams and not kept.
  checkSignature(verifyWithParams(params, transientAsciiBytes(parsed.signingInput), parsed.signature));
}

/** verifySignature for a token read by readCompactJws, on the bytes it decoded. */
export function verifyReadSignature(read: ReadJws, key: JoseKey): void {
  const params = paramsFor(read.header, key);
  // Read again if anything wrote over the transient bytes since (a key set that had to fetch).
  const bytes = read.epoch === transientEpoch() ? read : readCompactJws(read.token, UNBOUNDED);
  checkSignature(verifyWithParams(params, bytes.signingInput, bytes.signature));
}

// The token passed its size limit when it was first read.
const UNBOUNDED = { maxTokenSize: Number.POSITIVE_INFINITY };

function paramsFor(header: JwsHeader, key: JoseKey): SignatureParams {
  const params = signatureParams(key);
  if (header.alg !== params.alg || key.alg !== params.alg) {
    throw new JoseError('ERR_JOSE_ALG_NOT_ALLOWED', 'the token algorithm does not match the key');
  }
  return params;
}

function checkSignature(valid: boolean): void {
  if (!valid) throw new JoseError('ERR_JWS_SIGNATURE_INVALID');
}

/**
 * Verifies a compact JWS: parse, check the algorithm is allowed, pick the key (a single key, or a
 * KeySet that resolves one from the header's `kid`/`alg`), check the signature, decode the payload.
 */
export async function verifyJws(
  token: string,
  keyOrSet: JoseKey | KeySet,
  options?: VerifyJwsOptions,
): Promise<VerifiedJws> {
  const algorithms = options?.algorithms;
  if (algorithms !== undefined) checkAlgorithmsOption(algorithms);
  if (typeof keyOrSet !== 'object' || keyOrSet === null) {
    throw new JoseError('ERR_JOSE_INVALID_ARGUMENT', 'a JoseKey or a KeySet is required');
  }
  const parsed = parseCompactJws(token, options);
  const header = parsed.header;
  if (algorithms !== undefined && !algorithms.includes(header.alg)) {
    throw new JoseError('ERR_JOSE_ALG_NOT_ALLOWED');
  }
  const key = 'resolve' in keyOrSet ? await keyOrSet.resolve(header) : keyOrSet;
  verifySignature(parsed, key);
  // parseCompactJws checked the segment is canonical base64url (RFC 7515 §2): Node's decoder is exact.
  return { header, payload: Buffer.from(parsed.payloadSegment, 'base64url'), key };
}

function checkAlgorithmsOption(algorithms: readonly JwsAlgorithm[]): void {
  if (!Array.isArray(algorithms) || algorithms.length === 0 || !algorithms.every(isJwsAlgorithm)) {
    throw new JoseError(
      'ERR_JOSE_INVALID_ARGUMENT',
      'algorithms must be a non-empty list of supported algorithms',
    );
  }
}
