import { BoundedCache } from '../../lib/bounded-cache.js';
import { deepFreeze } from '../../lib/deep-freeze.js';
import { borrowTransient, transientEpoch, utf8TextOf, viewOf } from '../../lib/transient-bytes.js';
import { isJwsAlgorithm } from '../algorithms.js';
import { canonicalDecodedLength, decodeBase64url } from '../base64url.js';
import { JoseError } from '../errors.js';
import { parseJsonObject } from '../json.js';
import type { JwsHeader } from '../types.js';

/** A compact JWS split and checked, before any crypto. */
export interface ParsedJws {
  /** The protected header, frozen. */
  readonly header: JwsHeader;
  /** `BASE64URL(header) '.' BASE64URL(payload)`: the bytes the signature covers (RFC 7515 §5.2). */
  readonly signingInput: string;
  /** The payload segment, still base64url (canonical). */
  readonly payloadSegment: string;
  readonly signature: Buffer;
}

/**
 * A compact JWS checked like ParsedJws, with its parts decoded into transient bytes (see
 * lib/transient-bytes.ts) instead of strings and Buffers of their own: what the JWT verifier reads.
 */
export interface ReadJws {
  readonly token: string;
  /** The protected header, frozen. */
  readonly header: JwsHeader;
  /** Where the dots are: the payload segment lies between them, the signature after the second. */
  readonly firstDot: number;
  readonly secondDot: number;
  /** The payload as UTF-8 text, or false when its bytes are not valid UTF-8. */
  readonly payloadText: string | false;
  /** The bytes the signature covers, and the signature: valid while `transientEpoch() === epoch`. */
  readonly signingInput: Uint8Array;
  readonly signature: Uint8Array;
  readonly epoch: number;
}

export interface ParseJwsOptions {
  /** Largest token accepted, in characters (default 16 KiB), checked before anything else (J13). */
  maxTokenSize?: number;
}

export const DEFAULT_MAX_TOKEN_SIZE = 16 * 1024;
/** `kid` is an opaque map key (RFC 7515 §4.1.4); anything longer than this is not a real key id (J6). */
export const MAX_KID_LENGTH = 256;

// Headers repeat across tokens of one issuer: parse each distinct header segment once. The header
// seen last is checked first with one string comparison, before hashing for the map.
const headerCache = new BoundedCache<string, JwsHeader>(128);
let lastHeaderSegment = '';
let lastHeader: JwsHeader | undefined;

/**
 * Splits and checks a compact JWS (RFC 7515 §7.1), cheapest checks first. Header `jwk`, `jku`,
 * `x5u`, `x5c`, `x5t` are never read: keys come only from the caller (RFC 8725 §3.10, J4/J5).
 */
export function parseCompactJws(token: string, options?: ParseJwsOptions): ParsedJws {
  const read = readCompactJws(token, options);
  return {
    header: read.header,
    signingInput: token.slice(0, read.secondDot),
    payloadSegment: token.slice(read.firstDot + 1, read.secondDot),
    signature: Buffer.from(read.signature),
  };
}

/**
 * parseCompactJws without a string or Buffer per part. Each native call costs far more here than
 * its work (the crypto call between two tokens leaves little of ours in the CPU caches), so the
 * token takes three: one write of the whole token, which gives the signing input and shows it is
 * ASCII, and one decode for each of the signature and the payload.
 */
export function readCompactJws(token: string, options?: ParseJwsOptions): ReadJws {
  if (typeof token !== 'string') throw invalid('the token is not a string');
  const maxTokenSize = options?.maxTokenSize ?? DEFAULT_MAX_TOKEN_SIZE;
  const length = token.length;
  if (length > maxTokenSize) throw invalid('the token is too large');

  // Exactly three segments (RFC 7515 §7.1); a JWE has five and is not accepted here.
  const firstDot = token.indexOf('.');
  const secondDot = firstDot === -1 ? -1 : token.indexOf('.', firstDot + 1);
  if (secondDot === -1 || token.indexOf('.', secondDot + 1) !== -1) {
    throw invalid('the token does not have three segments');
  }
  if (firstDot === 0) throw invalid('the header segment is empty');
  // An empty signature is the `alg: none` shape (RFC 7518 §3.6, J1).
  if (secondDot === length - 1) throw invalid('the signature segment is empty');

  // A header parsed before was canonical base64url then; a new one is decoded strictly (J11).
  const headerSegment = token.slice(0, firstDot);
  const header =
    headerSegment === lastHeaderSegment && lastHeader !== undefined
      ? lastHeader
      : cachedHeader(headerSegment);

  // RFC 7515 §2: canonical base64url, checked before any crypto (J11). Node's decoder accepts `+`
  // and `/`, so they are refused here; it skips every other character outside the alphabet, which
  // leaves fewer bytes than the length promises; and the length and the trailing bits are checked
  // before decoding. A character above U+007F makes the UTF-8 write longer than the token.
  if (token.indexOf('+') !== -1 || token.indexOf('/') !== -1) throw invalid('invalid base64url');
  const payloadLength = canonicalDecodedLength(token, firstDot + 1, secondDot);
  const signatureLength = canonicalDecodedLength(token, secondDot + 1, length);
  if (payloadLength < 0 || signatureLength < 0) throw invalid('invalid base64url');
  // The token, then 4 bytes a non-ASCII character would spill into (UTF-8 stops short of a
  // character that does not fit, so with 4 spare bytes any such character shows), the signature,
  // the payload.
  const signatureStart = length + 4;
  const payloadStart = signatureStart + signatureLength;
  const bytes = borrowTransient(payloadStart + payloadLength);
  if (
    bytes.write(token, 0, signatureStart, 'utf8') !== length ||
    bytes.write(token.slice(secondDot + 1), signatureStart, signatureLength, 'base64url') !==
      signatureLength ||
    bytes.write(token.slice(firstDot + 1, secondDot), payloadStart, payloadLength, 'base64url') !==
      payloadLength
  ) {
    throw invalid('invalid base64url');
  }
  return {
    token,
    header,
    firstDot,
    secondDot,
    payloadText: utf8TextOf(bytes, payloadStart, payloadLength),
    signingInput: viewOf(bytes, 0, secondDot),
    signature: viewOf(bytes, signatureStart, signatureLength),
    epoch: transientEpoch(),
  };
}

function cachedHeader(segment: string): JwsHeader {
  const header = headerCache.get(segment) ?? parseHeader(segment);
  lastHeaderSegment = segment;
  lastHeader = header;
  return header;
}

function parseHeader(segment: string): JwsHeader {
  const header = parseJsonObject(decodeBase64url(segment), 'ERR_JWS_INVALID', 'the JWS header');
  checkHeader(header);
  const frozen = deepFreeze(header) as JwsHeader;
  headerCache.set(segment, frozen);
  return frozen;
}

/** RFC 7515 §4.1 members we act on; every other member is ignored. */
function checkHeader(header: Record<string, unknown>): asserts header is JwsHeader {
  const alg = header.alg;
  if (typeof alg !== 'string') throw invalid('the header has no alg string');
  // RFC 8725 §3.1: `none` (in any case) and unknown names are never accepted (J1).
  if (!isJwsAlgorithm(alg)) throw new JoseError('ERR_JOSE_ALG_NOT_ALLOWED', 'the algorithm is not supported');
  // RFC 7515 §4.1.11: we understand no extensions, so any `crit` (even `[]`) is refused (J9).
  if (header.crit !== undefined) throw new JoseError('ERR_JOSE_NOT_SUPPORTED', 'crit is not supported');
  // RFC 7797 §3: unencoded payloads change the signing input; not supported (J9).
  if (header.b64 !== undefined) throw new JoseError('ERR_JOSE_NOT_SUPPORTED', 'b64 is not supported');
  const kid = header.kid;
  if (kid !== undefined && (typeof kid !== 'string' || kid.length > MAX_KID_LENGTH)) {
    throw invalid('the header kid is not a string of reasonable length');
  }
  if (header.typ !== undefined && typeof header.typ !== 'string')
    throw invalid('the header typ is not a string');
  if (header.cty !== undefined && typeof header.cty !== 'string')
    throw invalid('the header cty is not a string');
}

function invalid(message: string): JoseError {
  return new JoseError('ERR_JWS_INVALID', message);
}
