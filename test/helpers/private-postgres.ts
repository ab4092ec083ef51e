/**
 * A PostgreSQL server that belongs to one test: its own data directory in a temp dir, its own free
 * loopback port and socket directory, started and stopped with Debian's `initdb` and `pg_ctl`. Fault
 * tests stop and restart this one; the machine's PostgreSQL (DATABASE_URL) is never touched.
 * initdb refuses to run as root, so as root every command runs as the `postgres` system user
 * (`runuser`), which then owns the temp dir.
 */
import { execFile, execFileSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);
const POSTGRES_ROOT = '/usr/lib/postgresql';

export interface PrivatePostgres {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust authentication, loopback only). */
  readonly url: string;
  readonly port: number;
  /** Fast shutdown: open connections are cut, as in an outage. Resolves once the server is down. */
  stop(): Promise<void>;
  /** Starts the stopped server again on the same port; resolves once it accepts connections. */
  start(): Promise<void>;
  /** Stops the server if it runs and deletes its directory. Safe to call twice. */
  close(): Promise<void>;
}

/** The newest PostgreSQL installed from Debian's packages, e.g. /usr/lib/postgresql/15/bin. */
export function postgresBinDir(): string {
  const versions = existsSync(POSTGRES_ROOT)
    ? readdirSync(POSTGRES_ROOT)
        .filter((v) => existsSync(join(POSTGRES_ROOT, v, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions[0] === undefined) {
    throw new Error(`No PostgreSQL server binaries under ${POSTGRES_ROOT}: apt-get install postgresql`);
  }
  return join(POSTGRES_ROOT, versions[0], 'bin');
}

/** util-linux's runuser lives in sbin, which a CI's or a service's PATH may not hold: look there first. */
const RUNUSER =
  ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find((p) => existsSync(p)) ?? 'runuser';

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-pg-'));
  if (asRoot) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, gid);
  }
  const data = join(dir, 'data');
  const command = (name: string, args: string[]): [string, string[]] =>
    asRoot ? [RUNUSER, ['-u', 'postgres', '--', join(bin, name), ...args]] : [join(bin, name), args];
  const exec = (name: string, args: string[], timeout = 60_000) => {
    const [file, argv] = command(name, args);
    return run(file, argv, { timeout });
  };

  await exec('initdb', [
    '-D',
    data,
    '-U',
    'postgres',
    '--auth=trust',
    '--no-sync',
    '-E',
    'UTF8',
    '--locale=C',
  ]);
  const port = await freePort();
  // Loopback TCP only, the socket in our own directory, no durability work (a test database).
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  const pgCtl = (...args: string[]) => exec('pg_ctl', ['-D', data, '-l', join(dir, 'server.log'), ...args]);
  let running = false;
  const start = async () => {
    await pgCtl('-o', options, '-w', '-t', '30', 'start');
    running = true;
  };
  const stop = async (mode: 'fast' | 'immediate' = 'fast') => {
    await pgCtl('-m', mode, '-w', '-t', '30', 'stop');
    running = false;
  };
  // Whatever happens to the test (a failed assertion, an uncaught error), the server does not outlive it.
  const onExit = () => {
    if (!running) return;
    const [file, argv] = command('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
    try {
      execFileSync(file, argv, { stdio: 'ignore', timeout: 10_000 });
    } catch {}
  };
  process.once('exit', onExit);
  let closed = false;
  try {
    await start();
  } catch (error) {
    process.removeListener('exit', onExit);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    port,
    stop: () => stop('fast'),
    start,
    async close() {
      if (closed) return;
      closed = true;
      try {
        if (running) await stop('immediate');
      } finally {
        process.removeListener('exit', onExit);
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
