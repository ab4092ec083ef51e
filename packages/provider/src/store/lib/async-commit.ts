import { sql } from '@latchkey/store';

/**
 * A one-row table to select an INSERT's values from, whose reading turns `synchronous_commit` off for
 * the statement's own transaction (PostgreSQL only): its commit then returns without waiting for the
 * WAL to reach the disk (up to 2 ms p50 and 3–7 ms p90 on this project's busy virtual disk, versus
 * ~0.3 ms; docs/performance-notes-admin.md). The row is visible to every other transaction at once,
 * and row locks are taken and released as before, so concurrent writers still queue on the row and
 * each sees the ones before it. Only durability is relaxed: a crash of PostgreSQL (not of the
 * application) can forget the last ~0.6 s (3 × wal_writer_delay, by default) of such commits. For
 * counters whose loss gives back a few attempts, never for anything a user or a token depends on.
 *
 * `set_config(…, true)` is SET LOCAL inside the statement, not around it: one round trip instead of
 * BEGIN, SET LOCAL, the statement and COMMIT, and the setting ends with the transaction, so the pooled
 * connection's next transaction commits synchronously again. It is read at commit, which comes after
 * the statement in an autocommitted one; inside a caller's transaction the whole transaction is
 * committed asynchronously, so use it only where every write of that transaction may be.
 */
export function committingAsynchronously() {
  return sql<{
    synchronous_commit: string;
  }>`(select set_config('synchronous_commit', 'off', true) as synchronous_commit)`.as('async_commit');
}
