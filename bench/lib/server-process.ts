/**
 * Starts a server under test in its own process, pinned to the server core, and waits for its
 * `ServerReady`. Memory is read from /proc: VmRSS now, VmHWM (the peak resident set since start).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type ServerReady, type ServerSetup, serverSetup } from './fixtures.js';

let setup: Promise<ServerSetup> | undefined;

import { pinned, SERVER_CPU } from './pinning.js';

/** The two contestants, and the floor some scenarios measure as the machine's limit (bench/floor). */
export type System = 'latchkey' | 'peer' | 'floor';

const ENTRY: Record<System, string> = {
  latchkey: new URL('./latchkey-server.mjs', import.meta.url).pathname,
  peer: new URL('../peer/server.mjs', import.meta.url).pathname,
  floor: new URL('../floor/server.mjs', import.meta.url).pathname,
};

export interface Discovery {
  readonly authorization_endpoint: string;
  readonly token_endpoint: string;
  readonly userinfo_endpoint: string;
  readonly introspection_endpoint: string;
  readonly jwks_uri: string;
}

export interface RunningServer {
  readonly system: System;
  readonly ready: ServerReady;
  readonly discovery: Discovery;
  readonly discoveryUrl: string;
  memoryMb(field: 'VmRSS' | 'VmHWM'): number | undefined;
  stop(): Promise<void>;
}

export interface ServerOptions {
  readonly env?: Record<string, string>;
  /** A directory for a V8 CPU profile of the server (`--cpu-prof`), written when it stops. */
  readonly profileDir?: string;
}

export async function startServer(system: System, options: ServerOptions = {}): Promise<RunningServer> {
  setup ??= serverSetup();
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
    env: { ...process.env, NODE_ENV: 'production', ...options.env },
  });
  child.send(await setup!);
  const ready = await new Promise<ServerReady>((resolve, reject) => {
    child.once('message', (message) => resolve(message as ServerReady));
    child.once('exit', (code) => reject(new Error(`${system} server exited (${code}) before it was ready`)));
  });
  const discoveryUrl = `${ready.url}/.well-known/openid-configuration`;
  const discovery = (await (await fetch(discoveryUrl)).json()) as Discovery;
  return {
    system,
    ready,
    discovery,
    discoveryUrl,
    memoryMb(field) {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
        return kb === undefined ? undefined : Number(kb) / 1024;
      } catch {
        return undefined;
      }
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
