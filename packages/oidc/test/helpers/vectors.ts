import { readFileSync } from 'node:fs';

/**
 * Test vectors are read from the shared read-only folder at run time, never copied into the repo.
 * From packages/oidc/test/helpers/ five levels up is the folder that holds main/ and shared/.
 */
const SHARED_VECTORS = new URL('../../../../../shared/testvectors/', import.meta.url);

export function readVectors<T>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(relativePath, SHARED_VECTORS), 'utf8')) as T;
}
