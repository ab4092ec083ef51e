/**
 * The benchmark suite: Latchkey side by side with node-oidc-provider, on this machine, in one run.
 *
 *   npm run bench                 every scenario (bench/scenarios/index.ts), one markdown table each
 *   npm run bench -- NAME [NAME]  only those (e.g. `client-credentials-es256`, `flows`, `verify`)
 *
 * Environment: BENCH_SCALE (fraction of bench/seed.ts's full seed for `scale`, default 1), BENCH_RUNS (default 3), BENCH_SECONDS per timed run (default 5), BENCH_CONNECTIONS
 * (default 10), BENCH_CODES (codes minted per code-exchange run), BENCH_PROFILE=dir (a --cpu-prof of
 * each Latchkey server, written to dir), LATCHKEY_* (passed to the Latchkey server).
 *
 * Method: each server runs in its own process pinned to CPU 0 (taskset); this process, the state
 * minting and the load generator (autocannon, a separate process) run on CPU 1. Per scenario: start
 * both servers, one warm-up run each (discarded), then BENCH_RUNS timed runs each, alternating between
 * the systems, each preceded by minting its state outside the timed window; the table reports medians.
 */
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { alternate } from './lib/alternate.js';
import { type Cluster, startCluster } from './lib/cluster.js';
import { CAN_PIN, LOAD_CPU, onAllCpus, pinSelf, SERVER_CPU } from './lib/pinning.js';
import { dropCreatedSchemas, postgresVersion } from './lib/postgres.js';
import {
  type MemoryRow,
  memoryTable,
  type PairRow,
  pairTable,
  type Row,
  scenarioTable,
} from './lib/report.js';
import {
  type RunningServer,
  SYSTEM_LABELS,
  type System,
  startServer,
  stopRedis,
} from './lib/server-process.js';
import { SCENARIOS } from './scenarios/index.js';
import type {
  ClusterScenario,
  LoadSettings,
  ScaleScenario,
  Scenario,
  ScriptScenario,
} from './scenarios/scenario.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const SETTINGS: LoadSettings = {
  seconds: Number(process.env['BENCH_SECONDS'] ?? 5),
  connections: Number(process.env['BENCH_CONNECTIONS'] ?? 10),
};
const PROFILE_DIR = process.env['BENCH_PROFILE'];
/** Fraction of the full seed (bench/seed.ts) the scale scenario uses: 1 = 5,000,000 audit rows. */
const SCALE = Number(process.env['BENCH_SCALE'] ?? 1);
/**
 * RSS is read 3 s after a server is ready (startup garbage still in a young generation grown while
 * loading) and again 15 s after, with no request in between, when V8's memory reducer has usually run:
 * the idle figure. Each system is read at the same moments after its own start.
 */
const STARTUP_RSS_MS = 3000;
const IDLE_RSS_MS = 15_000;

const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);

interface Contestant {
  readonly system: System;
  readonly server: RunningServer;
  /** When its server was ready (performance.now()), for the memory readings. */
  readonly readyAt: number;
}

interface MemoryReadings {
  startupMb: number | undefined;
  idleMb: number | undefined;
}

/** The systems whose idle and peak memory the memory table reports. */
const MEASURED: readonly System[] = ['latchkey', 'peer'];

/**
 * The systems a scenario runs: Latchkey and the peer; in a stateful scenario also Latchkey on
 * PostgreSQL and the peer on its durable Redis adapter; and the floor when the scenario measures one.
 */
function systemsOf(scenario: Scenario): readonly System[] {
  const systems: System[] = scenario.stateful
    ? ['latchkey', 'latchkey-pg', 'peer', 'peer-redis']
    : ['latchkey', 'peer'];
  if (scenario.floorEnv !== undefined) systems.push('floor');
  return systems;
}

function startContestant(scenario: Scenario, system: System): Promise<Contestant> {
  const latchkey = system === 'latchkey' || system === 'latchkey-pg';
  const env = latchkey ? scenario.latchkeyEnv : system === 'floor' ? scenario.floorEnv : undefined;
  return startServer(system, {
    ...(env ? { env } : {}),
    ...(latchkey && PROFILE_DIR ? { profileDir: PROFILE_DIR } : {}),
  }).then((server) => ({ system, server, readyAt: performance.now() }));
}

/** Each server's RSS 3 s and 15 s after it was ready, with no request in between. */
async function readIdleMemory(contestants: readonly Contestant[]): Promise<Map<System, MemoryReadings>> {
  const readings = new Map<System, MemoryReadings>();
  const readAt = async (contestant: Contestant, delayMs: number) => {
    const wait = contestant.readyAt + delayMs - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    return contestant.server.memoryMb('VmRSS');
  };
  await Promise.all(
    contestants.map(async (c) => {
      const startupMb = await readAt(c, STARTUP_RSS_MS);
      readings.set(c.system, { startupMb, idleMb: await readAt(c, IDLE_RSS_MS) });
    }),
  );
  return readings;
}

/**
 * Both servers are up for the whole scenario (both pinned to CPU 0; the one not under load is idle),
 * and their timed runs alternate — Latchkey, peer, then peer, Latchkey, … — so a machine whose speed
 * drifts during the scenario (a shared VM) weighs on both alike, and the ratio compares like with like.
 */
async function runScenario(scenario: Scenario): Promise<string> {
  const contestants: Contestant[] = [];
  try {
    const systems = systemsOf(scenario);
    for (const system of systems) contestants.push(await startContestant(scenario, system));
    const measured = contestants.filter((c) => MEASURED.includes(c.system));
    const idle = scenario.measuresMemory ? await readIdleMemory(measured) : undefined;
    const timing = { settings: SETTINGS, runs: RUNS, progress };
    const keyed = contestants.map(({ system, server }) => ({
      key: system,
      label: `${scenario.name} / ${system}`,
      server,
    }));
    const rows: Row[] = [];
    for (const c of scenario.cases) rows.push({ label: c.label, results: await alternate(keyed, c, timing) });
    let out = scenarioTable(scenario.title, scenario.unit, rows, RUNS, scenario.notes);
    if (idle !== undefined) {
      const memory: MemoryRow[] = measured.map(({ system, server }) => ({
        system: SYSTEM_LABELS[system],
        ...idle.get(system)!,
        peakMb: server.memoryMb('VmHWM'),
      }));
      out += `\n\n${memoryTable(memory)}`;
    }
    return out;
  } finally {
    await Promise.all(contestants.map(({ server }) => server.stop()));
  }
}

/** One instance against `scenario.instances`, each behind the round-robin proxy, runs alternating. */
async function runCluster(scenario: ClusterScenario): Promise<string> {
  const clusters: Cluster[] = [];
  try {
    const sizes = [1, scenario.instances] as const;
    for (const size of sizes) clusters.push(await startCluster(size, scenario.latchkeyEnv));
    const servers = sizes.map((size, i) => ({
      key: size,
      label: `${scenario.name} / ${size} instance(s)`,
      server: clusters[i]!.server,
    }));
    const rows: PairRow[] = [];
    for (const c of scenario.cases) {
      const results = await alternate(servers, c, { settings: SETTINGS, runs: RUNS, progress });
      rows.push({ label: c.label, a: results.get(1)!, b: results.get(scenario.instances)! });
    }
    return pairTable(scenario.title, 'req/s', ['1 instance', `${scenario.instances} instances`], rows, [
      `Every instance pinned to CPU ${SERVER_CPU}, the proxy to CPU ${LOAD_CPU} with the load generator; one PostgreSQL schema per configuration.`,
    ]);
  } finally {
    await Promise.all(clusters.map((cluster) => cluster.stop()));
  }
}

/**
 * Per dialect: Latchkey on an empty store and on a seeded one (bench/seed.ts at BENCH_SCALE), both up
 * at once, runs alternating. The seeding happens before either server starts; it is not timed here.
 */
async function runScale(scenario: ScaleScenario): Promise<string> {
  const { createSeededStore, countsAt } = await import('./seed.js');
  const rows: PairRow[] = [];
  const dialects = [
    { system: 'latchkey', dialect: 'sqlite', label: 'SQLite' },
    { system: 'latchkey-pg', dialect: 'postgres', label: 'PostgreSQL' },
  ] as const;
  // BENCH_SCALE_DIALECTS=sqlite (or postgres) measures one dialect: each takes a quarter of an hour.
  const only = process.env['BENCH_SCALE_DIALECTS']?.split(',');
  for (const { system, dialect, label } of dialects.filter(
    (d) => only === undefined || only.includes(d.dialect),
  )) {
    const seeded =
      reuseSeeded(dialect) ??
      (await createSeededStore(dialect, SCALE, (message) => progress(`seed ${message}`)));
    const running: RunningServer[] = [];
    try {
      running.push(await startServer(system));
      running.push(await startServer(system, { env: { LATCHKEY_DATABASE_URL: seeded.url } }));
      const servers = (['empty', 'seeded'] as const).map((key, i) => ({
        key,
        label: `${scenario.name} / ${label} / ${key}`,
        server: running[i]!,
      }));
      for (const c of scenario.cases) {
        const results = await alternate(servers, c, { settings: SETTINGS, runs: RUNS, progress });
        rows.push({ label: `${c.label}, ${label}`, a: results.get('empty')!, b: results.get('seeded')! });
      }
    } finally {
      await Promise.all(running.map((server) => server.stop()));
      await seeded.release();
    }
  }
  const counts = countsAt(SCALE);
  return pairTable(scenario.title, 'req/s', ['empty', 'seeded'], rows, [
    `Seeded: ${Object.entries(counts)
      .map(([table, n]) => `${n.toLocaleString('en-US')} ${table}`)
      .join(
        ', ',
      )} (BENCH_SCALE=${SCALE}; grants each with a live refresh token). Target: seeded p50 and p99 ≤ 1.2× empty. Sign-in flows are per second of one client loop.`,
  ]);
}

/**
 * A store seeded earlier by `bench/seed.ts` at the same BENCH_SCALE (BENCH_SEEDED_SQLITE=path of a
 * seeded database file, BENCH_SEEDED_POSTGRES=URL of a seeded schema): seeding the full store takes
 * minutes, and need not be repeated for each measurement. The SQLite file is copied, so the original
 * stays as seeded; the PostgreSQL schema is used as it is and left in place (dropping it is yours).
 */
function reuseSeeded(
  dialect: 'sqlite' | 'postgres',
): { url: string; release: () => Promise<void> } | undefined {
  const given = process.env[dialect === 'sqlite' ? 'BENCH_SEEDED_SQLITE' : 'BENCH_SEEDED_POSTGRES'];
  if (!given) return undefined;
  progress(
    `using the store seeded earlier: ${dialect === 'sqlite' ? given : given.replace(/\/\/[^@]*@/, '//')}`,
  );
  if (dialect === 'postgres') return { url: given, release: async () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-bench-seeded-'));
  copyFileSync(given, join(dir, 'latchkey.db'));
  if (existsSync(`${given}-wal`)) copyFileSync(`${given}-wal`, join(dir, 'latchkey.db-wal'));
  return {
    url: `sqlite:${dir}/latchkey.db`,
    release: async () => rmSync(dir, { recursive: true, force: true }),
  };
}

function runScript(scenario: ScriptScenario): Promise<string> {
  if (!existsSync(new URL(`../${scenario.file}`, import.meta.url))) {
    return Promise.resolve(`### ${scenario.title}\n\n(${scenario.file} does not exist yet: skipped)`);
  }
  return new Promise((resolve, reject) => {
    const [command, ...args] = onAllCpus(['npm', 'run', '--silent', scenario.script]);
    const child = spawn(command!, args, {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) =>
      code === 0
        ? resolve(`### ${scenario.title}\n\n${output.trim()}`)
        : reject(new Error(`npm run ${scenario.script} failed (${code})`)),
    );
  });
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !SCENARIOS.some((s) => s.name === name));
if (unknown.length > 0) {
  console.error(`Unknown scenario: ${unknown.join(', ')}. Known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  process.exit(2);
}
const selected = wanted.length === 0 ? SCENARIOS : SCENARIOS.filter((s) => wanted.includes(s.name));

// Interrupted (Ctrl-C): the servers die with their terminal or their IPC channel; what this process
// created outside them (PostgreSQL schemas, the redis-server) is removed before it exits.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: dropping the bench schemas, stopping redis-server`);
    void Promise.allSettled([dropCreatedSchemas(), stopRedis()]).finally(() => process.exit(130));
  });
}

pinSelf(LOAD_CPU);
// The servers run the built packages, as `latchkey serve` does: build them first (incremental).
progress('building the packages (tsc -b)');
execFileSync('npx', ['tsc', '-b'], { stdio: 'inherit' });
const REDIS_VERSION = execFileSync('redis-server', ['--version']).toString().split(' ')[2] ?? 'redis';
const PG_VERSION = await postgresVersion();
const peerVersion = (await import('oidc-provider/package.json', { with: { type: 'json' } })).default.version;
console.log(
  [
    `## Latchkey vs oidc-provider ${peerVersion} — ${new Date().toISOString().slice(0, 10)}`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model.trim()}, Node ${process.version}, ${process.platform}.`,
    `Latchkey on its embedded SQLite store (WAL, durable) and, in stateful scenarios, on PostgreSQL (${PG_VERSION}); default log level unless LATCHKEY_LOG_LEVEL is set. oidc-provider with its in-memory adapter and, in stateful scenarios, its example's Redis adapter on a redis-server (${REDIS_VERSION}) the suite starts, append-only with fsync every second, pinned with the servers.`,
    CAN_PIN
      ? 'Server pinned to CPU 0, load generator (autocannon, separate process) to CPU 1 with taskset.'
      : 'Not pinned (taskset or a second CPU unavailable).',
    `${SETTINGS.connections} keep-alive connections, ${SETTINGS.seconds} s per run, ${RUNS} runs after a warm-up; medians.`,
  ].join('\n'),
);
try {
  for (const scenario of selected) {
    progress(`scenario ${scenario.name}`);
    const table =
      scenario.kind === 'load'
        ? await runScenario(scenario)
        : scenario.kind === 'cluster'
          ? await runCluster(scenario)
          : scenario.kind === 'scale'
            ? await runScale(scenario)
            : await runScript(scenario);
    console.log(`\n${table}`);
  }
} finally {
  await stopRedis();
}
