/**
 * Starts a server under test in its own process, pinned to the server core, and waits for its
 * `ServerReady`. Memory is read from /proc: VmRSS now, VmHWM (the peak resident set since start).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type ServerReady, type ServerSetup, serverSetup } from './fixtures.js';

let setup: Promise<ServerSetup> | undefined;

import { pinned, SERVER_CPU } from './pinning.js';
import { createBenchSchema } from './postgres.js';
import { type RedisServer, startRedis } from './redis-server.js';

/**
 * The systems under test: Latchkey on its embedded SQLite store or on PostgreSQL (a fresh schema per
 * server, bench/lib/postgres.ts), the peer with its in-memory adapter or its Redis adapter (on the
 * suite's own redis-server, bench/lib/redis-server.ts), and the floor some scenarios measure as the
 * machine's limit (bench/floor).
 */
export type System = 'latchkey' | 'latchkey-pg' | 'peer' | 'peer-redis' | 'floor';

const LATCHKEY_ENTRY = new URL('./latchkey-server.mjs', import.meta.url).pathname;
const PEER_ENTRY = new URL('../peer/server.mjs', import.meta.url).pathname;
const ENTRY: Record<System, string> = {
  latchkey: LATCHKEY_ENTRY,
  'latchkey-pg': LATCHKEY_ENTRY,
  peer: PEER_ENTRY,
  'peer-redis': PEER_ENTRY,
  floor: new URL('../floor/server.mjs', import.meta.url).pathname,
};

export const SYSTEM_LABELS: Record<System, string> = {
  latchkey: 'Latchkey (SQLite, durable)',
  'latchkey-pg': 'Latchkey (PostgreSQL)',
  peer: 'oidc-provider (in-memory)',
  'peer-redis': 'oidc-provider (Redis, AOF everysec)',
  floor: 'floor (node:http + one signature)',
};

export const isPeer = (system: System) => system === 'peer' || system === 'peer-redis';

/** One redis-server for the whole suite run, started on first use (stopRedis at the end). */
let redis: Promise<RedisServer> | undefined;
export async function stopRedis(): Promise<void> {
  const running = redis;
  redis = undefined;
  if (running) await (await running).stop();
}

/** The store a system needs, made before its process starts and removed after it stops. */
async function storeFor(system: System, env: Record<string, string>) {
  if (system === 'latchkey-pg' && env['LATCHKEY_DATABASE_URL'] === undefined) {
    const schema = await createBenchSchema();
    return { env: { LATCHKEY_DATABASE_URL: schema.url }, release: () => schema.drop() };
  }
  if (system === 'peer-redis') {
    redis ??= startRedis();
    const { url } = await redis;
    // Servers share it: every key oidc-provider writes is a fresh random id, so none collide.
    return { env: { PEER_REDIS_URL: url }, release: async () => {} };
  }
  return { env: {}, release: async () => {} };
}

export interface Discovery {
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly userinfo_endpoint: string;
  readonly introspection_endpoint: string;
  readonly revocation_endpoint: string;
  readonly jwks_uri: string;
}

export interface RunningServer {
  readonly system: System;
  readonly ready: ServerReady;
  readonly discovery: Discovery;
  readonly discoveryUrl: string;
  memoryMb(field: 'VmRSS' | 'VmHWM'): number | undefined;
  /** CPU seconds (user + system) the server process has used so far; undefined without /proc. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly env?: Record<string, string>;
  /** A directory for a V8 CPU profile of the server (`--cpu-prof`), written when it stops. */
  readonly profileDir?: string;
}

export async function startServer(system: System, options: ServerOptions = {}): Promise<RunningServer> {
  setup ??= serverSetup();
  const store = await storeFor(system, options.env ?? {});
  // Plain node on the built packages (dist/), as `latchkey serve` runs: no TypeScript loader in the RSS.
  const node = [
    process.execPath,
    ...(options.profileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.profileDir}`] : []),
    ENTRY[system],
  ];
  const [command, ...args] = pinned(SERVER_CPU, node);
  const child: ChildProcess = spawn(command!, args, {
    // The log goes where a deployment's would go when nobody reads it: written, then discarded.
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production', ...options.env, ...store.env },
  });
  child.send(await setup!);
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ServerReady));
    child.once('exit', (code) => reject(new Error(`${system} server exited (${code}) before it was ready`)));
  });
  const discoveryUrl = `${ready.url}/.well-known/openid-configuration`;
  // From the server itself: a proxy in front of it (ready.url) may not be listening yet.
  const discovery = (await (
    await fetch(`${ready.direct ?? ready.url}/.well-known/openid-configuration`)
  ).json()) as Discovery;
  return {
    system,
    ready,
    discovery,
    discoveryUrl,
    cpuSeconds: () => cpuSecondsOf(child.pid),
    memoryMb(field) {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
        return kb === undefined ? undefined : Number(kb) / 1024;
      } catch {
        return undefined;
      }
    },
    stop: async () => {
      await new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      });
      await store.release();
    },
  };
}

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on every Linux the suite runs on. */
const CLOCK_TICKS = 100;

/** utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat), in seconds. */
export function cpuSecondsOf(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return undefined;
  }
}
