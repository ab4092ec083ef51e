import type { Kysely } from '@latchkey/store';
import type { ProviderSchema } from '../schema.js';
import { changedRows } from './columns.js';

type Table = keyof ProviderSchema & string;

/**
 * Deletes at most `limit` rows (every one when undefined) of `table` whose `column` is before `before`, in one portable statement
 * (a keyed `IN` over a limited select: SQLite, PostgreSQL and CockroachDB all take it). Housekeeping
 * calls it in a loop, so one pass never holds a long lock or builds one huge transaction.
 */
export async function deleteBatchBefore<T extends Table>(
  db: Kysely<ProviderSchema>,
  table: T,
  key: keyof ProviderSchema[T] & string,
  column: keyof ProviderSchema[T] & string,
  before: number,
  limit: number | undefined,
): Promise<number> {
  // biome-ignore lint/suspicious/noExplicitAny: one helper over several tables; the columns are typed above
  const any = db as Kysely<any>;
  const name: string = table;
  const keyColumn: string = key;
  const timeColumn: string = column;
  if (limit === undefined) {
    return changedRows(await any.deleteFrom(name).where(timeColumn, '<', before).executeTakeFirst());
  }
  const result = await any
    .deleteFrom(name)
    .where(
      keyColumn,
      'in',
      any.selectFrom(name).select(keyColumn).where(timeColumn, '<', before).limit(limit),
    )
    .executeTakeFirst();
  return changedRows(result);
}
