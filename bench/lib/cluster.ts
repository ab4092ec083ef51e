/**
 * Several Latchkey instances on one PostgreSQL schema behind the round-robin proxy, as one issuer: the
 * proxy's URL. The first instance registers the clients; the others share its store, its secret and
 * its clients. Instances are pinned to the servers' core, the proxy to the load core.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { LOAD_CPU, pinned } from './pinning.js';
import { createBenchSchema } from './postgres.js';
import { freePort } from './server-entry.mjs';
import { type RunningServer, startServer } from './server-process.js';

const PROXY = new URL('./round-robin-proxy.mjs', import.meta.url).pathname;

export interface Cluster {
  /** The first instance, whose ready URL and discovery are the proxy's. */
  readonly server: RunningServer;
  stop(): Promise<void>;
}

export async function startCluster(instances: number, env: Record<string, string> = {}): Promise<Cluster> {
  const schema = await createBenchSchema();
  const proxyPort = await freePort();
  const ports: number[] = [];
  for (let i = 0; i < instances; i++) ports.push(await freePort());
  const shared = {
    ...env,
    LATCHKEY_DATABASE_URL: schema.url,
    BENCH_ISSUER: `http://127.0.0.1:${proxyPort}`,
    BENCH_SECRET: randomBytes(32).toString('hex'),
  };
  const servers: RunningServer[] = [];
  let proxy: ChildProcess | undefined;
  const stop = async () => {
    proxy?.kill('SIGTERM');
    await Promise.all(servers.map((server) => server.stop()));
    await schema.drop();
  };
  try {
    for (const port of ports) {
      const first = servers[0]?.ready;
      const clients = first && JSON.stringify({ web: first.web, service: first.service });
      servers.push(
        await startServer('latchkey-pg', {
          env: { ...shared, BENCH_PORT: String(port), ...(clients ? { BENCH_CLIENTS: clients } : {}) },
        }),
      );
    }
    const [command, ...args] = pinned(LOAD_CPU, [
      process.execPath,
      PROXY,
      String(proxyPort),
      ...ports.map(String),
    ]);
    const started = spawn(command!, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    proxy = started;
    await new Promise((resolve, reject) => {
      started.once('message', resolve);
      started.once('exit', (code) => reject(new Error(`the proxy exited (${code}) before it was ready`)));
    });
    // CPU per operation counts every instance: the work is spread over them.
    const cpuSeconds = () => {
      const each = servers.map((server) => server.cpuSeconds());
      return each.some((s) => s === undefined) ? undefined : each.reduce((a, b) => a! + b!, 0);
    };
    return { server: { ...servers[0]!, cpuSeconds }, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
