/**
 * The lazy-loading rule (docs/ARCHITECTURE.md, docs/performance-notes-memory.md): the built `latchkey
 * serve` answers requests without loading the libraries of optional features, and loads one on the
 * feature's first use, which then answers correctly.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const cliEntry = new URL('../../packages/cli/dist/main.js', import.meta.url).pathname;
const recorder = new URL('../helpers/record-loaded-modules.mjs', import.meta.url).pathname;

/**
 * Path fragments of the libraries an idle provider must not have loaded. TypeBox's value functions are
 * not among them: the configuration is checked with them at start (config/schema.ts, ARCHITECTURE).
 */
const OPTIONAL_LIBRARIES = {
  passkeys: '/node_modules/@simplewebauthn/server/',
  'QR codes': '/node_modules/qrcode/',
  'one-time codes': '/node_modules/otplib/',
  LDAP: '/node_modules/ldapts/',
  'the OpenAPI generator': '/node_modules/@fastify/swagger/',
  'the YAML parser': '/node_modules/yaml/',
  "TypeBox's compiler": '/node_modules/typebox/build/compile/',
};

interface Report {
  readonly modules: readonly string[];
  readonly undici: boolean;
}

/**
 * Runs a `latchkey` command with the recorder until it prints the URL it listens on (matched by
 * `listening`), makes `requests`, stops it, and returns what it loaded.
 */
async function ranAndRecorded(
  args: readonly string[],
  listening: RegExp,
  requests: (url: string, cwd: string) => Promise<void>,
  files: Readonly<Record<string, string>> = {},
): Promise<Report> {
  const cwd = mkdtempSync(join(tmpdir(), 'latchkey-lazy-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(cwd, name), text);
  const reportPath = join(cwd, 'loaded.json');
  const child = spawn(process.execPath, ['--import', recorder, cliEntry, ...args], {
    cwd,
    env: { PATH: process.env.PATH, LATCHKEY_TEST_LOADED_MODULES: reportPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(
        () => reject(new Error(`${args[0]} did not start in 30 s:\n${output}`)),
        30_000,
      );
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const found = listening.exec(output)?.[1];
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}:\n${output}`)));
    });
    await requests(url, cwd);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    return JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  } finally {
    child.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  }
}

/** `latchkey serve` on a fresh SQLite store in the run's directory, recorded. */
const servedAndRecorded = (requests: (url: string) => Promise<void>) =>
  ranAndRecorded(['serve', '--port', '0'], /"url":"(http:\/\/[^"]+)"/, requests);

const loadedOf = (report: Report) =>
  Object.entries(OPTIONAL_LIBRARIES)
    .filter(([, fragment]) => report.modules.some((url) => url.includes(fragment)))
    .map(([feature]) => feature);

test('a provider serving discovery, JWKS and a refused admin API call loads no optional feature’s library, nor undici', async () => {
  const report = await servedAndRecorded(async (url) => {
    for (const path of ['/.well-known/openid-configuration', '/jwks', '/admin/api/v1/clients']) {
      const response = await fetch(url + path);
      await response.arrayBuffer();
    }
  });
  // The recorder saw the provider's own modules: an empty report would prove nothing.
  assert.ok(report.modules.some((url) => url.includes('/packages/provider/dist/app.js')));
  assert.deepEqual(loadedOf(report), []);
  assert.equal(report.undici, false, 'node:http imported as an ES module loads undici');
});

test('the first request for the OpenAPI document loads its generator and the checkers, and answers the document', async () => {
  let document: { openapi?: string; paths?: Record<string, unknown> } = {};
  const report = await servedAndRecorded(async (url) => {
    const response = await fetch(`${url}/admin/api/v1/openapi.json`);
    assert.equal(response.status, 200);
    document = (await response.json()) as typeof document;
  });
  assert.equal(document.openapi, '3.1.0');
  assert.ok(Object.keys(document.paths ?? {}).length > 10);
  // Its (empty) query string is the first admin API request validated: TypeBox's compiler loads with it.
  assert.deepEqual(loadedOf(report), ['the OpenAPI generator', 'the YAML parser', "TypeBox's compiler"]);
});

test('the gateway proxies a request without loading Node’s bundled undici', async () => {
  // The upstream: a plain node:http server in this process (the test's own imports are not recorded).
  const upstream = createServer((_request, response) => response.end('upstream answered'));
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  try {
    let answer = '';
    const report = await ranAndRecorded(
      ['gateway', '--config', 'gateway.json'],
      /listening on (http:\/\/\S+)/,
      async (url) => {
        const response = await fetch(`${url}/public/page`);
        assert.equal(response.status, 200);
        answer = await response.text();
      },
      {
        // JSON is YAML: the gateway reads either. The provider is never contacted by a public route.
        'gateway.json': JSON.stringify({
          listen: { host: '127.0.0.1', port: 0 },
          publicUrl: 'http://localhost',
          databaseUrl: 'sqlite:gateway.db',
          cookie: { secret: 'b'.repeat(32) },
          providers: [
            { id: 'op', issuer: 'http://127.0.0.1:9', clientId: 'c', clientSecret: 's'.repeat(32) },
          ],
          upstreams: [{ id: 'app', url: upstreamUrl }],
          routes: [{ path: '/public', upstream: 'app', policy: 'public' }],
        }),
      },
    );
    assert.equal(answer, 'upstream answered');
    assert.ok(report.modules.some((url) => url.includes('/packages/gateway/dist/proxy/forward.js')));
    // Its connection pool came from the undici package, not from Node's own copy of it.
    assert.ok(report.modules.some((url) => url.includes('/node_modules/undici/lib/dispatcher/pool.js')));
    assert.equal(
      report.undici,
      false,
      'the undici package’s index, or node:http imported, loads Node’s undici',
    );
  } finally {
    await new Promise((resolve) => upstream.close(resolve));
  }
});
