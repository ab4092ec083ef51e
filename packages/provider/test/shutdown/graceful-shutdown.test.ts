import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { startProvider } from '@latchkey/provider';
import Fastify from 'fastify';
import { closeWithin } from '../../src/lib/close-within.js';
import { TEST_SECRET, testConfig } from '../helpers/fixtures.js';

/** An app with one route that answers when `release` is called; `started` resolves when it is in flight. */
async function appWithSlowRoute() {
  const app = Fastify({ return503OnClosing: true });
  let release: () => void = () => {};
  let markStarted: () => void = () => {};
  const started = new Promise<void>((resolve) => {
    markStarted = resolve;
  });
  app.get('/slow', async () => {
    markStarted();
    await new Promise<void>((resolve) => {
      release = resolve;
    });
    return { done: true };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const port = (app.server.address() as AddressInfo).port;
  const get = () =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      request({ host: '127.0.0.1', port, path: '/slow', agent: false }, (response) => {
        let body = '';
        response.on('data', (chunk) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      })
        .on('error', reject)
        .end();
    });
  return { app, port, started, release: () => release(), get };
}

test('closing lets an in-flight request finish, then stops accepting connections', async () => {
  const s = await appWithSlowRoute();
  const inFlight = s.get();
  await s.started;
  const closing = closeWithin(s.app, 5000);
  s.release();
  assert.deepEqual(await inFlight, { status: 200, body: '{"done":true}' });
  assert.deepEqual(await closing, { timedOut: false });
  await assert.rejects(s.get(), { code: 'ECONNREFUSED' });
});

test('a request still running at the deadline has its connection cut, and closing returns', async () => {
  const s = await appWithSlowRoute();
  const inFlight = s.get();
  await s.started;
  const startedAt = performance.now();
  assert.deepEqual(await closeWithin(s.app, 200), { timedOut: true });
  const elapsed = performance.now() - startedAt;
  assert.ok(elapsed >= 190 && elapsed < 2000, `closed after ${elapsed} ms`);
  await assert.rejects(inFlight, { code: 'ECONNRESET' });
  s.release();
});

test('startProvider close stops the listener, the metrics listener and the database pool', async () => {
  const provider = await startProvider(testConfig({ port: 0, metrics: { port: 0 } }), {
    secret: TEST_SECRET,
  });
  assert.equal((await fetch(`${provider.url}/healthz`)).status, 200);
  assert.ok(provider.metricsUrl);
  assert.equal((await fetch(provider.metricsUrl)).status, 200);
  await provider.close();
  await assert.rejects(fetch(`${provider.url}/healthz`));
  await assert.rejects(fetch(provider.metricsUrl));
  await assert.rejects(provider.stores.ping());
});
