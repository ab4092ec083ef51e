import type pg from 'pg';

const INT8_OID = 20;

/**
 * pg returns int8 (bigint, and `integer` on CockroachDB, which is 64-bit there) as a string because
 * it may exceed 2^53. Our int8 columns hold epoch seconds and counts, so read them as numbers, and
 * fail loudly rather than lose precision. Set per pool, never globally: other code in the process keeps
 * pg's defaults.
 */
export function pgTypeParsers(types: typeof pg.types) {
  return {
    getTypeParser(oid: number, format?: 'text' | 'binary') {
      if (oid === INT8_OID && format !== 'binary') return parseInt8;
      // biome-ignore lint/suspicious/noExplicitAny: pg's own overloads are not expressible as one signature
      return types.getTypeParser(oid, format as any);
    },
  };
}

function parseInt8(value: string): number {
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed)) throw new RangeError('int8 value is outside the safe integer range');
  return parsed;
}
