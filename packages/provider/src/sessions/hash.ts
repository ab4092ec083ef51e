import { createHash } from 'node:crypto';

/** SHA-256, base64url: how a cookie's random id is stored (DESIGN rule 6: a stolen table opens nothing). */
export function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('base64url');
}
