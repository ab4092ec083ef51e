import { readFileSync } from 'node:fs';

/** Published test vectors kept in this package (test/vectors/; sources and licences in its README.md). */
const VECTORS = new URL('../vectors/', import.meta.url);

export function readVectors<T>(relativePath: string): T {
  return JSON.parse(readFileSync(new URL(relativePath, VECTORS), 'utf8')) as T;
}
