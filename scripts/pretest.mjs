#!/usr/bin/env node
// Makes sure everything the test suite needs is present before it runs, so `npm test`
// stands alone on a fresh machine. What can be installed or started (as root) is; what
// cannot fails here with a message that says how to fix it. Nothing is silently skipped.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { supportedNode } from './supported-node.mjs';

// A Node that is too old is replaced by Node 24 from the npm registry (scripts/supported-node.mjs), and
// this script runs again under it, so the build below and the tests use the project's runtime.
try {
  const runtime = supportedNode({ log: (line) => console.log(`pretest: ${line}`) });
  if (runtime.node !== process.execPath) {
    console.log(`pretest: continuing under Node ${runtime.version} (${runtime.node})`);
    const rerun = spawnSync(runtime.node, [fileURLToPath(import.meta.url)], {
      stdio: 'inherit',
      env: runtime.env,
    });
    process.exit(rerun.status ?? 1);
  }
} catch (error) {
  console.error(`\nThe test suite cannot run yet:\n  - ${error.message}`);
  process.exit(1);
}

const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const problems = [];

function canConnect(host, port, timeoutMs = 1500) {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

async function waitFor(host, port, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await canConnect(host, port, 250)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

// The contract tests run every store on PostgreSQL as well as SQLite.
async function postgresReachable() {
  const url = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const host = url.hostname || '127.0.0.1';
  const port = Number(url.port || 5432);
  if (await canConnect(host, port)) return;
  const local = host === '127.0.0.1' || host === 'localhost';
  if (local && isRoot && existsSync('/etc/postgresql')) {
    for (const version of readdirSync('/etc/postgresql')) {
      console.log(`pretest: starting PostgreSQL ${version} (pg_ctlcluster ${version} main start)`);
      spawnSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'start'], {
        stdio: 'inherit',
      });
    }
    if (await waitFor(host, port, 20)) return;
  }
  problems.push(
    `PostgreSQL is not reachable at ${host}:${port} (DATABASE_URL). Start it, e.g. ` +
      `'pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start', ` +
      `or install it with 'apt-get install -y postgresql', or point DATABASE_URL at a server.`,
  );
}

// Browser tests drive Debian's chromium through playwright-core; the forward-auth test runs real nginx;
// the LDAP connector's tests start their own OpenLDAP (slapd, with ldap-utils to load it) on free ports.
// Installs what is missing in one apt-get run (as root), or says how to.
function ensureDebianPackages(required) {
  const missing = required.filter(({ binary }) => !existsSync(binary));
  if (missing.length === 0) return;
  const names = missing.map(({ pkg }) => pkg);
  if (isRoot) {
    console.log(`pretest: installing ${names.join(' ')} (apt-get install -y ${names.join(' ')})`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    try {
      execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
      execFileSync('apt-get', ['install', '-y', '-qq', ...names], { stdio: 'inherit', env });
    } catch {
      // reported below
    }
  }
  for (const { binary, pkg } of missing) {
    if (!existsSync(binary))
      problems.push(`${binary} is missing: install it with 'apt-get install -y ${pkg}' (as root).`);
  }
}

// The end-to-end tests run the built CLI exactly as `npm start` does; keep dist/ current (incremental).
function buildIsCurrent() {
  const result = spawnSync(
    process.execPath,
    [new URL('../node_modules/typescript/bin/tsc', import.meta.url).pathname, '-b'],
    {
      stdio: 'inherit',
    },
  );
  if (result.status !== 0) problems.push('The TypeScript build (tsc -b) failed: fix the errors above.');
}

ensureDebianPackages([
  { binary: '/usr/bin/chromium', pkg: 'chromium' },
  { binary: '/usr/sbin/nginx', pkg: 'nginx' },
  { binary: '/usr/sbin/slapd', pkg: 'slapd' },
  { binary: '/usr/bin/ldapadd', pkg: 'ldap-utils' },
]);
buildIsCurrent();
await postgresReachable();

if (problems.length > 0) {
  console.error('\nThe test suite cannot run yet:');
  for (const p of problems) console.error(`  - ${p}`);
  process.exit(1);
}
