/**
 * Counts the statements this process sends to either database, by wrapping the drivers' prototypes (so
 * the provider's own connections are counted without a hook in the store): better-sqlite3's Statement
 * runs (the store caches prepared statements, so `prepare` alone would miss most) and pg's
 * `Client.query`. Transaction control (`begin`, `commit`) counts too: each is a round trip on PostgreSQL.
 * For the admin benchmarks' statements-per-request column; install it before the store is opened.
 */
import Database from 'better-sqlite3';
import pg from 'pg';

export interface StatementCount {
  /** Statements sent since installation. */
  readonly total: number;
  /** Hears the SQL text of every statement while set. */
  listener: ((sql: string) => void) | undefined;
}

export function countStatements(): StatementCount {
  const count = { total: 0, listener: undefined as ((sql: string) => void) | undefined };
  const heard = (sql: unknown) => {
    count.total++;
    if (count.listener !== undefined && typeof sql === 'string') count.listener(sql);
  };
  const probe = new Database(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('select 1')) as Record<string, unknown>;
  probe.close();
  for (const method of ['run', 'get', 'all', 'iterate']) {
    const original = statement[method] as (...args: unknown[]) => unknown;
    statement[method] = function (this: { source: string }, ...args: unknown[]) {
      heard(this.source);
      return original.apply(this, args);
    };
  }
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    const first = args[0];
    heard(typeof first === 'string' ? first : (first as { text?: string } | undefined)?.text);
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
  return count;
}
