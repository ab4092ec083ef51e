/** Encodings shared by every store: see ../schema.ts for why these are the portable ones. */

export function toJsonColumn(value: unknown): string {
  return JSON.stringify(value);
}

export function fromJsonColumn<T>(text: string): T {
  return JSON.parse(text) as T;
}

export function fromNullableJsonColumn<T>(text: string | null): T | null {
  return text === null ? null : fromJsonColumn<T>(text);
}

export function toFlag(value: boolean): number {
  return value ? 1 : 0;
}

export function fromFlag(value: number): boolean {
  return value !== 0;
}

/** Row counts come back as bigint from Kysely; one row changed is the usual question. */
export function changedRows(result: { numUpdatedRows?: bigint; numDeletedRows?: bigint }): number {
  return Number(result.numUpdatedRows ?? result.numDeletedRows ?? 0n);
}
