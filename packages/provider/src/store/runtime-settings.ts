import { isSerializationFailure, type Kysely } from '@latchkey/store';
import { changedRows, fromJsonColumn, toJsonColumn } from './lib/columns.js';
import type { ProviderSchema } from './schema.js';
import type { RuntimeSettingOverride, RuntimeSettingStore } from './types.js';

const REVISION_ROW = 1;

export function createRuntimeSettingStore(db: Kysely<ProviderSchema>): RuntimeSettingStore {
  const revision = async (executor: Kysely<ProviderSchema> = db): Promise<number> => {
    const row = await executor
      .selectFrom('runtime_settings_revision')
      .select('revision')
      .where('id', '=', REVISION_ROW)
      .executeTakeFirstOrThrow();
    return Number(row.revision);
  };
  return {
    revision: () => revision(),
    async read() {
      // One transaction: the rows and the revision describe the same moment.
      return db.transaction().execute(async (trx) => {
        const rows = await trx.selectFrom('runtime_settings').selectAll().orderBy('name').execute();
        return {
          revision: await revision(trx),
          overrides: rows.map((row) => ({
            name: row.name,
            value: fromJsonColumn<unknown>(row.value),
            updatedAt: Number(row.updated_at),
            actor: { type: row.actor_type, id: row.actor_id },
          })),
        };
      });
    },
    async change(expected, { set, remove }) {
      try {
        return await compareAndChange(expected, set, remove);
      } catch (error) {
        // SERIALIZABLE engines (CockroachDB) abort the loser of the race instead of re-reading the row.
        if (isSerializationFailure(error)) return undefined;
        throw error;
      }
    },
  };

  async function compareAndChange(
    expected: number,
    set: readonly RuntimeSettingOverride[],
    remove: readonly string[],
  ): Promise<number | undefined> {
    return db.transaction().execute(async (trx) => {
      // The compare-and-set comes first: it locks the revision row, so a concurrent change waits here
      // and then finds the revision moved on (READ COMMITTED re-reads the row; SERIALIZABLE aborts).
      const bumped = await trx
        .updateTable('runtime_settings_revision')
        .set({ revision: expected + 1 })
        .where('id', '=', REVISION_ROW)
        .where('revision', '=', expected)
        .executeTakeFirst();
      if (changedRows(bumped) !== 1) return undefined;
      if (remove.length > 0) await trx.deleteFrom('runtime_settings').where('name', 'in', remove).execute();
      for (const override of set) {
        const row = {
          value: toJsonColumn(override.value),
          updated_at: override.updatedAt,
          actor_type: override.actor.type,
          actor_id: override.actor.id,
        };
        await trx
          .insertInto('runtime_settings')
          .values({ name: override.name, ...row })
          .onConflict((oc) => oc.column('name').doUpdateSet(row))
          .execute();
      }
      return expected + 1;
    });
  }
}
