/**
 * Latchkey on PostgreSQL: the machine's server (DATABASE_URL, default 127.0.0.1:5432/test), in a fresh
 * schema the suite creates for one server and drops when done. Nothing else is ever dropped.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const POSTGRES_URL = process.env['BENCH_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchSchema {
  /** A database URL whose connections use the schema (search_path). */
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

async function onAdmin<T>(task: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: POSTGRES_URL });
  await client.connect();
  try {
    return await task(client);
  } finally {
    await client.end();
  }
}

/** Schemas this process created and has not dropped yet (dropCreatedSchemas, on an interrupted run). */
const created = new Set<string>();

const dropSchema = async (name: string) => {
  await onAdmin((client) => client.query(`drop schema if exists ${name} cascade`));
  created.delete(name);
};

/** Drops every schema this process created and still holds: an interrupted run leaves none behind. */
export async function dropCreatedSchemas(): Promise<void> {
  await Promise.allSettled([...created].map(dropSchema));
}

export async function createBenchSchema(): Promise<BenchSchema> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  await onAdmin((client) => client.query(`create schema ${name}`));
  created.add(name);
  const url = new URL(POSTGRES_URL);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: url.toString(),
    name,
    drop: () => dropSchema(name),
  };
}

/** `PostgreSQL 16.4`, for the suite's header. */
export function postgresVersion(): Promise<string> {
  return onAdmin(async (client) => {
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    return `PostgreSQL ${rows[0]!.server_version.split(' ')[0]}`;
  });
}
