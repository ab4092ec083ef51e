import { timingSafeEqual } from 'node:crypto';

/** Constant-time equality of two hashes or secrets. */
export function equalHashes(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
