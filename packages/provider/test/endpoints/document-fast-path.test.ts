import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  createKeyManager,
  createProviderApp,
  type KeyManager,
  type OpenedProviderStores,
  type ProviderConfig,
} from '@latchkey/provider';
import type { FastifyInstance } from 'fastify';
import { serializeDocument } from '../../src/keys/published-key-set.js';
import { createDocumentFastPath } from '../../src/lib/document-fast-path.js';
import { createProviderMetrics } from '../../src/metrics/provider-metrics.js';
import { frozenClock, sqliteStores, TEST_SECRET, testConfig } from '../helpers/fixtures.js';

// Discovery and the JWKS are answered before Fastify on a real socket (lib/document-fast-path.ts);
// inject() never reaches the server, so these tests listen.
let config: ProviderConfig;
let stores: OpenedProviderStores;
let manager: KeyManager;
const running: FastifyInstance[] = [];

before(async () => {
  config = testConfig();
  stores = await sqliteStores();
  manager = createKeyManager({ config, stores, now: frozenClock().now, secret: TEST_SECRET });
  await manager.start();
});
after(async () => {
  for (const app of running) await app.close();
  await manager.stop();
});

/** A listening app, and how many requests reached Fastify (its onRequest hook). */
async function listening(options: {
  config?: ProviderConfig;
  metrics?: ReturnType<typeof createProviderMetrics>;
}) {
  const app = createProviderApp({
    config: options.config ?? config,
    stores,
    keyManager: manager,
    ...(options.metrics ? { metrics: options.metrics } : {}),
  });
  let reachedFastify = 0;
  app.addHook('onRequest', (_request, _reply, done) => {
    reachedFastify += 1;
    done();
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  running.push(app);
  const origin = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { app, origin, reachedFastify: () => reachedFastify };
}

const DOCUMENT_PATHS = [
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  '/jwks',
];

/** The socket's headers, not the route's: every other header must be the same on both paths. */
const SOCKET_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

describe('documents answered before the framework', () => {
  test('a plain GET gets the bytes and headers the Fastify route sends, without reaching Fastify', async () => {
    const { app, origin, reachedFastify } = await listening({});
    for (const path of DOCUMENT_PATHS) {
      const fast = await fetch(origin + path);
      const routed = await app.inject({ url: path });
      assert.equal(fast.status, 200, path);
      assert.equal(await fast.text(), routed.body, path);
      const names = new Set([...Object.keys(routed.headers), ...fast.headers.keys()]);
      for (const name of [...names].filter((n) => !SOCKET_HEADERS.has(n))) {
        const expected = routed.headers[name];
        assert.equal(
          fast.headers.get(name) ?? undefined,
          expected === undefined ? undefined : String(expected),
          `${path} ${name}`,
        );
      }
    }
    assert.equal(app.server.listenerCount('request'), 1);
    // Only the three inject() calls reached Fastify.
    assert.equal(reachedFastify(), DOCUMENT_PATHS.length);
  });

  test('HEAD, a query string, a conditional GET and a POST go to Fastify and get its answers', async () => {
    const { origin, reachedFastify } = await listening({});
    const path = '/.well-known/openid-configuration';
    const first = await fetch(origin + path);
    const etag = String(first.headers.get('etag'));
    await first.arrayBuffer();
    assert.equal(reachedFastify(), 0);
    const head = await fetch(origin + path, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('etag'), etag);
    const query = await fetch(`${origin}${path}?x=1`);
    assert.equal(query.status, 200);
    assert.equal(query.headers.get('etag'), etag);
    await query.arrayBuffer();
    const conditional = await fetch(origin + path, { headers: { 'if-none-match': etag } });
    assert.equal(conditional.status, 304);
    const post = await fetch(origin + path, { method: 'POST' });
    assert.equal(post.status, 404);
    await post.arrayBuffer();
    assert.equal(reachedFastify(), 4);
  });

  test('K5: the JWKS served is the key manager’s current one, after a rotation too', async () => {
    const { origin } = await listening({});
    const before = await fetch(`${origin}/jwks`);
    assert.equal(before.headers.get('etag'), manager.jwks().etag);
    assert.equal(await before.text(), manager.jwks().body);
    await manager.rotate({ force: true, ignorePublicationDelay: true });
    const afterRotation = await fetch(`${origin}/jwks`);
    assert.notEqual(afterRotation.headers.get('etag'), before.headers.get('etag'));
    assert.equal(afterRotation.headers.get('etag'), manager.jwks().etag);
    assert.equal(await afterRotation.text(), manager.jwks().body);
  });

  test('requests answered there are still counted by route (metrics)', async () => {
    const metrics = createProviderMetrics({ processMetrics: false });
    const { origin } = await listening({ metrics });
    await (await fetch(`${origin}/jwks`)).arrayBuffer();
    await (await fetch(`${origin}/jwks`)).arrayBuffer();
    const text = await metrics.registry.metrics();
    const line = text
      .split('\n')
      .find((l) => l.startsWith('latchkey_http_requests_total{') && l.includes('route="/jwks"'));
    assert.ok(line, text);
    assert.match(line, /method="GET"/);
    assert.match(line, /status="200"/);
    assert.equal(Number(line.slice(line.lastIndexOf(' ') + 1)), 2);
  });

  test('with every request logged, every request goes through Fastify (the access log stays whole)', async () => {
    const logged = testConfig({ logging: { requests: true } });
    const { origin, reachedFastify } = await listening({ config: logged });
    await (await fetch(`${origin}/jwks`)).arrayBuffer();
    assert.equal(reachedFastify(), 1);
  });

  test('a document that cannot be read (keys not loaded) is left to Fastify, not thrown from the server', () => {
    const fastPath = createDocumentFastPath({ securityHeaders: {} });
    fastPath.add(
      '/jwks',
      () => {
        throw new Error('The signing key set has not been loaded');
      },
      { contentType: 'application/jwk-set+json; charset=utf-8', cacheControl: 'public, max-age=60' },
    );
    const response = {
      writeHead: () => assert.fail('nothing may be written'),
      end: () => assert.fail('nothing may be written'),
    } as unknown as ServerResponse;
    const request = { method: 'GET', url: '/jwks', headers: {} } as IncomingMessage;
    assert.equal(fastPath.answer(request, response), false);
  });

  test('once stopped (the app is closing), it declines every request', () => {
    const fastPath = createDocumentFastPath({ securityHeaders: {} });
    fastPath.add('/doc', () => serializeDocument({ a: 1 }), {
      contentType: 'application/json',
      cacheControl: 'no-cache',
    });
    const written: unknown[] = [];
    const response = {
      writeHead: (...args: unknown[]) => written.push(args),
      end: (...args: unknown[]) => written.push(args),
    } as unknown as ServerResponse;
    const request = { method: 'GET', url: '/doc', headers: {} } as IncomingMessage;
    assert.equal(fastPath.answer(request, response), true);
    assert.equal(written.length, 2);
    fastPath.stop();
    assert.equal(fastPath.answer(request, response), false);
    assert.equal(written.length, 2);
  });
});
