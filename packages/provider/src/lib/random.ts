import { randomBytes, randomFillSync } from 'node:crypto';

/** One CSPRNG call fills this many bytes; small requests are served from it. */
const POOL_BYTES = 4096;
/** Larger requests are not worth pooling: they go to randomBytes directly. */
const LARGEST_POOLED = 256;

let pool = Buffer.alloc(0);
let offset = 0;

/**
 * `crypto.randomBytes`, batched: the CSPRNG fills 4 KiB at a time and each call takes the next unused
 * bytes. The token endpoint draws 16–32 bytes per token (jti, refresh tokens, codes); one OpenSSL call
 * per request was ~4% of a client_credentials request. Node's `randomUUID` batches the same way.
 *
 * Bytes are never handed out twice: a used pool is replaced by a new buffer, never refilled in place,
 * so a returned buffer (a view of the pool) never changes afterwards.
 */
export function secureRandomBytes(size: number): Buffer {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`size must be a non-negative integer`);
  if (size > LARGEST_POOLED) return randomBytes(size);
  if (offset + size > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafeSlow(POOL_BYTES));
    offset = 0;
  }
  const bytes = pool.subarray(offset, offset + size);
  offset += size;
  return bytes;
}
