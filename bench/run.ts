/**
 * The benchmark suite: Latchkey side by side with node-oidc-provider, on this machine, in one run.
 *
 *   npm run bench                 every scenario (bench/scenarios/index.ts), one markdown table each
 *   npm run bench -- NAME [NAME]  only those (e.g. `client-credentials-es256`, `flows`, `verify`)
 *
 * Environment: BENCH_RUNS (default 3), BENCH_SECONDS per timed run (default 5), BENCH_CONNECTIONS
 * (default 10), BENCH_CODES (codes minted per code-exchange run), BENCH_PROFILE=dir (a --cpu-prof of
 * each Latchkey server, written to dir), LATCHKEY_* (passed to the Latchkey server).
 *
 * Method: each server runs in its own process pinned to CPU 0 (taskset); this process, the state
 * minting and the load generator (autocannon, a separate process) run on CPU 1. Per scenario: start
 * both servers, one warm-up run each (discarded), then BENCH_RUNS timed runs each, alternating between
 * the systems, each preceded by minting its state outside the timed window; the table reports medians.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus } from 'node:os';
import type { LoadResult } from './lib/load-job.js';
import { CAN_PIN, LOAD_CPU, onAllCpus, pinSelf } from './lib/pinning.js';
import { postgresVersion } from './lib/postgres.js';
import { type MemoryRow, medianResult, memoryTable, type Row, scenarioTable } from './lib/report.js';
import { runLoad } from './lib/run-load.js';
import {
  type RunningServer,
  SYSTEM_LABELS,
  type System,
  startServer,
  stopRedis,
} from './lib/server-process.js';
import { SCENARIOS } from './scenarios/index.js';
import type { LoadSettings, Scenario, ScriptScenario } from './scenarios/scenario.js';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 3);
const SETTINGS: LoadSettings = {
  seconds: Number(process.env['BENCH_SECONDS'] ?? 5),
  connections: Number(process.env['BENCH_CONNECTIONS'] ?? 10),
};
const PROFILE_DIR = process.env['BENCH_PROFILE'];
const WARMUP_SECONDS = 2;
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
    const medians = new Map<System, LoadResult[]>(systems.map((system) => [system, []]));
    for (const c of scenario.cases) {
      for (const { system, server } of contestants) {
        progress(`${scenario.name} / ${system} / ${c.label}: warm-up`);
        await runLoad(await c.prepare(server, { ...SETTINGS, seconds: WARMUP_SECONDS }));
      }
      const runs = new Map<System, LoadResult[]>(systems.map((system) => [system, []]));
      for (let run = 1; run <= RUNS; run++) {
        const order = run % 2 === 1 ? contestants : [...contestants].reverse();
        for (const { system, server } of order) {
          const result = await runLoad(await c.prepare(server, SETTINGS));
          progress(
            `${scenario.name} / ${system} / run ${run}: ${result.perSecond.toFixed(0)}/s, ${result.errors} errors`,
          );
          runs.get(system)!.push(result);
        }
      }
      for (const system of systems) medians.get(system)!.push(medianResult(runs.get(system)!));
    }
    const rows: Row[] = scenario.cases.map((c, i) => ({
      label: c.label,
      results: new Map(systems.map((system) => [system, medians.get(system)![i]!])),
    }));
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
    const table = scenario.kind === 'load' ? await runScenario(scenario) : await runScript(scenario);
    console.log(`\n${table}`);
  }
} finally {
  await stopRedis();
}
