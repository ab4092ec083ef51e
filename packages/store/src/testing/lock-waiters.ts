import { setTimeout as delay } from 'node:timers/promises';
import type { Database } from '../connect.js';
import { sql } from '../lib/kysely.js';

const POLL_INTERVAL_MS = 5;
const GIVE_UP_AFTER_MS = 3000;

/**
 * PostgreSQL only: resolves once at least `count` sessions are blocked waiting for a lock while running
 * a statement that contains `statementContains` (bounded: throws after three seconds). Race tests use
 * it to hold one transaction open until the racers are really queued behind it, so they test the race
 * itself rather than a lucky interleaving.
 */
export async function untilSessionsWaitForLocks(
  watcher: Database,
  count: number,
  statementContains: string,
): Promise<void> {
  if (watcher.dialect !== 'postgres') throw new Error('untilSessionsWaitForLocks needs PostgreSQL');
  for (let waited = 0; waited < GIVE_UP_AFTER_MS; waited += POLL_INTERVAL_MS) {
    // pg_stat_activity is read outside any transaction here, so each poll sees a fresh snapshot.
    const { rows } = await sql<{ waiting: number }>`
      select count(*) as waiting from pg_stat_activity
      where wait_event_type = 'Lock' and datname = current_database()
        and strpos(query, ${statementContains}) > 0`.execute(watcher.db);
    if (Number(rows[0]?.waiting ?? 0) >= count) return;
    await delay(POLL_INTERVAL_MS);
  }
  throw new Error(`Fewer than ${count} sessions ever waited for a lock on "${statementContains}"`);
}
