/**
 * The lazy-loading rule (docs/ARCHITECTURE.md, docs/performance-notes-memory.md): the built `latchkey
 * serve` answers requests without loading the libraries of optional features, and loads one on the
 * feature's first use, which then answers correctly.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
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

/** Runs `latchkey serve` with the recorder, makes `requests`, stops it, and returns what it loaded. */
async function servedAndRecorded(requests: (url: string) => Promise<void>): Promise<Report> {
  const cwd = mkdtempSync(join(tmpdir(), 'latchkey-lazy-'));
  const reportPath = join(cwd, 'loaded.json');
  const child = spawn(process.execPath, ['--import', recorder, cliEntry, 'serve', '--port', '0'], {
    cwd,
    env: { PATH: process.env.PATH, LATCHKEY_TEST_LOADED_MODULES: reportPath },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const timer = setTimeout(() => reject(new Error(`serve did not start in 30 s:\n${output}`)), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const found = /"url":"(http:\/\/[^"]+)"/.exec(output)?.[1];
        if (found) {
          clearTimeout(timer);
          resolve(found);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${output}`)));
    });
    await requests(url);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    return JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
  } finally {
    child.kill('SIGKILL');
    rmSync(cwd, { recursive: true, force: true });
  }
}

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
