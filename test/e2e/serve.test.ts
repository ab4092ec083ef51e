/**
 * The quick start, end to end: the built `latchkey serve` (what `npm start` runs) in a fresh folder
 * serves discovery and a usable JWKS on the embedded SQLite store, and the same on PostgreSQL.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { LocalKeySet } from '@latchkey/oidc';
import pg from 'pg';
import { freePort } from '../helpers/free-port.js';

const cliEntry = new URL('../../packages/cli/dist/main.js', import.meta.url).pathname;
const postgresUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

interface Served {
  child: ChildProcess;
  url: string;
  cwd: string;
}

/** Starts `latchkey serve` on an ephemeral port and resolves with the URL it logs once listening. */
function serve(env: NodeJS.ProcessEnv, args: readonly string[] = ['--port', '0']): Promise<Served> {
  const cwd = mkdtempSync(join(tmpdir(), 'latchkey-serve-'));
  const child = spawn(process.execPath, [cliEntry, 'serve', ...args], {
    cwd,
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start in 20 s:\n${output}`)), 20_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const url = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
      if (url) {
        clearTimeout(timer);
        resolve({ child, url, cwd });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${output}`));
    });
  });
}

async function stop(served: Served): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => served.child.once('exit', (code) => resolve(code)));
  served.child.kill('SIGTERM');
  const code = await exited;
  rmSync(served.cwd, { recursive: true, force: true });
  return code;
}

async function assertServesProvider(url: string): Promise<void> {
  const discovery = await fetch(`${url}/.well-known/openid-configuration`);
  assert.equal(discovery.status, 200);
  const metadata = (await discovery.json()) as { issuer: string; jwks_uri: string };
  // No issuer configured: the development issuer follows the port listened on.
  assert.equal(metadata.issuer, `http://localhost:${new URL(url).port}`);
  const jwksPath = new URL(metadata.jwks_uri).pathname;
  const jwks = await fetch(`${url}${jwksPath}`);
  assert.equal(jwks.status, 200);
  assert.match(jwks.headers.get('cache-control') ?? '', /max-age=\d+/);
  const body = await jwks.json();
  // Every published key imports in the verification library: a current and a next key per algorithm.
  const keySet = LocalKeySet.fromJwks(body);
  assert.equal(keySet.keys.length, 4);
  assert.deepEqual([...new Set(keySet.keys.map((k) => k.alg))].sort(), ['ES256', 'RS256']);
  const ready = await fetch(`${url}/readyz`);
  assert.equal(ready.status, 200);
}

describe('latchkey serve (the built CLI, as npm start runs it)', () => {
  test('on a fresh folder it serves discovery and JWKS on SQLite, with a 0600 development secret', async () => {
    const served = await serve({ LATCHKEY_LOG_LEVEL: 'info' });
    try {
      await assertServesProvider(served.url);
      const secretMode = statSync(join(served.cwd, 'latchkey-data', 'secret')).mode & 0o777;
      assert.equal(secretMode, 0o600);
      statSync(join(served.cwd, 'latchkey-data', 'latchkey.db'));
    } finally {
      assert.equal(await stop(served), 0, 'SIGTERM stops it cleanly');
    }
  });

  test('`serve --port N` publishes the issuer http://localhost:N', async () => {
    const port = await freePort();
    const served = await serve({ LATCHKEY_LOG_LEVEL: 'info' }, ['--port', String(port)]);
    try {
      assert.equal(new URL(served.url).port, String(port));
      const metadata = (await (await fetch(`${served.url}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
      };
      assert.equal(metadata.issuer, `http://localhost:${port}`);
      // The landing page names that issuer and offers the demo, whose client was registered at start.
      const landing = await fetch(`${served.url}/`, { headers: { accept: 'text/html' } });
      assert.equal(landing.status, 200);
      const page = await landing.text();
      assert.ok(page.includes(`http://localhost:${port}/.well-known/openid-configuration`));
      assert.match(page, /Try a sign-in/);
      const start = await fetch(`${served.url}/demo/start`, { redirect: 'manual' });
      assert.equal(start.status, 303);
      const authorize = new URL(start.headers.get('location')!);
      assert.equal(authorize.searchParams.get('redirect_uri'), `http://localhost:${port}/demo/callback`);
      // The demo's redirect URI is registered: /authorize answers the sign-in form, not an error.
      const form = await fetch(authorize.href.replace(`http://localhost:${port}`, served.url));
      assert.equal(form.status, 200);
      assert.match(await form.text(), /to continue to <strong>Latchkey demo<\/strong>/);
    } finally {
      assert.equal(await stop(served), 0);
    }
  });

  test('on a taken port it exits 1 naming --port, before creating a database or a secret', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (blocker.address() as { port: number }).port;
    const cwd = mkdtempSync(join(tmpdir(), 'latchkey-serve-'));
    try {
      const child = spawn(process.execPath, [cliEntry, 'serve', '--port', String(port)], {
        cwd,
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
      });
      const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
      assert.equal(code, 1, stderr);
      assert.match(
        stderr,
        new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use\\. Choose another with --port`),
      );
      assert.equal(existsSync(join(cwd, 'latchkey-data')), false, 'nothing was created');
    } finally {
      blocker.close();
      rmSync(cwd, { recursive: true, force: true });
    }
  });

  describe('with DATABASE_URL pointing at PostgreSQL', () => {
    const schema = `e2e_${process.pid}_${Date.now()}`;
    const admin = new pg.Client({ connectionString: postgresUrl });
    after(async () => {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await admin.end();
    });

    test('it serves the same on PostgreSQL', async () => {
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      const url = new URL(postgresUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      const served = await serve({
        DATABASE_URL: url.toString(),
        LATCHKEY_SECRET: Buffer.alloc(32, 1).toString('base64'),
      });
      try {
        await assertServesProvider(served.url);
        const keys = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.signing_keys`);
        assert.equal(keys.rows[0].n, 4);
      } finally {
        assert.equal(await stop(served), 0);
      }
    });
  });
});
