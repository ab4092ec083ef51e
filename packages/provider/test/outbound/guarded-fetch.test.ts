import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import {
  cacheLifetime,
  createAddressPolicy,
  createGuardedFetcher,
  type GuardedFetcherOptions,
  type Resolver,
  withHostBudget,
  withHttpCache,
} from '../../src/outbound/index.js';
import { testCertificates } from '../helpers/test-ca.js';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let port: number;
let handler: Handler = (_req, res) => res.end();
let hits = 0;

before(async () => {
  const { cert, key } = testCertificates();
  server = createServer({ cert, key }, (req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => {
  server.closeAllConnections();
  server.close();
});

const json =
  (body: string, headers: Record<string, string> = {}): Handler =>
  (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(body);
  };
const resolveTo =
  (...addresses: string[]): Resolver =>
  async () =>
    addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

/** A fetcher trusting the test CA; loopback allowed unless the test says otherwise. */
const fetcher = (overrides: Partial<GuardedFetcherOptions> = {}) =>
  createGuardedFetcher({
    policy: createAddressPolicy(['127.0.0.1/32']),
    timeoutMs: 1000,
    resolve: resolveTo('127.0.0.1'),
    ca: testCertificates().ca,
    ...overrides,
  });
const get = (f: ReturnType<typeof fetcher>, path = '/doc', maxBytes = 5120) =>
  f.get({ url: `https://localhost:${port}${path}`, accept: ['application/json'], maxBytes });

describe('address policy', () => {
  const refused = [
    '127.0.0.1',
    '127.255.0.9',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '::1',
    '::',
    'fe80::1',
    'fd00:ec2::254',
    '::ffff:127.0.0.1',
    '::ffff:a9fe:a9fe',
    '64:ff9b::a9fe:a9fe',
    'not-an-address',
  ];
  for (const address of refused) {
    test(`M1: ${address} is refused by default`, () => {
      assert.equal(createAddressPolicy().allows(address), false);
    });
  }
  for (const address of ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c', '8.8.8.8']) {
    test(`a public address (${address}) is allowed`, () => {
      assert.equal(createAddressPolicy().allows(address), true);
    });
  }
  test('M1: a configured range is allowed, and only that range', () => {
    const policy = createAddressPolicy(['127.0.0.1/32']);
    assert.equal(policy.allows('127.0.0.1'), true);
    assert.equal(policy.allows('127.0.0.2'), false);
    assert.equal(policy.allows('169.254.169.254'), false);
  });
});

describe('the guarded fetcher', () => {
  test('fetches a JSON document over https from an allowed address', async () => {
    handler = json('{"ok":true}');
    const response = await get(fetcher());
    assert.deepEqual(JSON.parse(response.body.toString()), { ok: true });
    assert.equal(response.contentType, 'application/json');
  });

  for (const [name, addresses] of [
    ['loopback', ['127.0.0.1']],
    ['a private address', ['10.0.0.1']],
    ['the metadata address', ['169.254.169.254']],
    ['IPv6 loopback', ['::1']],
    ['one public and one loopback address', ['93.184.215.14', '127.0.0.1']],
  ] as const) {
    test(`M1: a host resolving to ${name} is refused before any connection`, async () => {
      hits = 0;
      handler = json('{}');
      const f = fetcher({ policy: createAddressPolicy(), resolve: resolveTo(...addresses) });
      await assert.rejects(get(f), { code: 'ERR_OUTBOUND_ADDRESS' });
      assert.equal(hits, 0);
    });
  }

  test('M1: an IP-literal URL to loopback is refused by default', async () => {
    const f = fetcher({ policy: createAddressPolicy() });
    await assert.rejects(
      f.get({ url: `https://127.0.0.1:${port}/doc`, accept: ['application/json'], maxBytes: 100 }),
      { code: 'ERR_OUTBOUND_ADDRESS' },
    );
    await assert.rejects(
      f.get({ url: `https://[::1]:${port}/doc`, accept: ['application/json'], maxBytes: 100 }),
      { code: 'ERR_OUTBOUND_ADDRESS' },
    );
  });

  test('M1: the name is resolved once and the connection goes to the checked address (DNS rebinding)', async () => {
    handler = json('{}');
    let calls = 0;
    // A rebinding resolver: the checked answer first, an internal one for anyone asking again. The
    // name exists nowhere else, so only the checked answer can have been used to connect.
    const resolve: Resolver = async () => {
      calls++;
      return [{ address: calls === 1 ? '127.0.0.1' : '10.0.0.1', family: 4 }];
    };
    const response = await fetcher({ resolve }).get({
      url: `https://rebind.test:${port}/doc`,
      accept: ['application/json'],
      maxBytes: 100,
    });
    assert.equal(response.body.toString(), '{}');
    assert.equal(calls, 1);
  });

  test('M1: a redirect, even to an allowed place, is refused and not followed', async () => {
    hits = 0;
    handler = (_req, res) => {
      res.writeHead(302, { location: 'https://169.254.169.254/latest/meta-data/' });
      res.end();
    };
    await assert.rejects(get(fetcher()), { code: 'ERR_OUTBOUND_REDIRECT' });
    assert.equal(hits, 1);
  });

  test('M1: a document larger than the bound is refused (announced length)', async () => {
    handler = json(`{"pad":"${'x'.repeat(6000)}"}`);
    await assert.rejects(get(fetcher()), { code: 'ERR_OUTBOUND_TOO_LARGE' });
  });

  test('M1: a document larger than the bound is refused (chunked, no length)', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      for (let i = 0; i < 10; i++) res.write('x'.repeat(1000));
      res.end();
    };
    await assert.rejects(get(fetcher()), { code: 'ERR_OUTBOUND_TOO_LARGE' });
  });

  test('M1: a slow document fails at the deadline', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"a":');
      // Never ends.
    };
    const started = Date.now();
    await assert.rejects(get(fetcher({ timeoutMs: 300 })), { code: 'ERR_OUTBOUND_TIMEOUT' });
    assert.ok(Date.now() - started < 2000);
  });

  test('M1: another media type is refused', async () => {
    handler = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html></html>');
    };
    await assert.rejects(get(fetcher()), { code: 'ERR_OUTBOUND_CONTENT_TYPE' });
  });

  test('a status other than 200 is an error', async () => {
    handler = (_req, res) => {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{}');
    };
    await assert.rejects(get(fetcher()), { code: 'ERR_OUTBOUND_STATUS' });
  });

  for (const url of [
    'http://localhost/doc',
    'https://user:pw@localhost/doc',
    'not a url',
    'file:///etc/passwd',
  ]) {
    test(`M1: ${url} is refused without a request`, async () => {
      await assert.rejects(fetcher().get({ url, accept: ['application/json'], maxBytes: 100 }), {
        code: 'ERR_OUTBOUND_URL',
      });
    });
  }
});

describe('HTTP caching within bounds', () => {
  const bounds = { minTtl: 60, maxTtl: 86_400, defaultTtl: 300 };
  const cases: [string | undefined, number][] = [
    [undefined, 300],
    ['max-age=600', 600],
    ['public, max-age=10', 60],
    ['max-age=99999999', 86_400],
    ['no-cache', 60],
    ['no-store', 0],
    ['max-age=abc', 300],
  ];
  for (const [header, ttl] of cases) {
    test(`Cache-Control ${JSON.stringify(header)} keeps the answer ${ttl}s`, () => {
      assert.equal(cacheLifetime(header, bounds), ttl);
    });
  }

  test('a cached answer is served until it expires; concurrent requests share one fetch', async () => {
    handler = json('{}', { 'cache-control': 'max-age=120' });
    let now = 1000;
    const cached = withHttpCache(fetcher(), { now: () => now, ...bounds, maxEntries: 10 });
    hits = 0;
    await Promise.all(Array.from({ length: 5 }, () => get(cached)));
    assert.equal(hits, 1);
    now += 119;
    await get(cached);
    assert.equal(hits, 1);
    now += 1;
    await get(cached);
    assert.equal(hits, 2);
  });

  test('no-store answers and failures are not cached', async () => {
    let now = 1000;
    const cached = withHttpCache(fetcher(), { now: () => now, ...bounds, maxEntries: 10 });
    handler = json('{}', { 'cache-control': 'no-store' });
    hits = 0;
    await get(cached);
    await get(cached);
    assert.equal(hits, 2);
    handler = (_req, res) => {
      res.writeHead(500);
      res.end();
    };
    await assert.rejects(get(cached, '/fails'));
    handler = json('{}');
    now += 1;
    await get(cached, '/fails');
  });
});

describe('L3: a budget of network requests per host', () => {
  test('L3: 20 parallel misses to one host with a budget of 5: exactly 5 reach it; another host has its own; the window ends', async () => {
    handler = json('{}');
    let now = 1000;
    const budgeted = withHostBudget(fetcher(), { now: () => now, perWindow: 5, window: 60, maxHosts: 100 });
    hits = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => get(budgeted, `/doc-${i}`)),
    );
    assert.equal(results.filter((r) => r.status === 'fulfilled').length, 5);
    assert.equal(hits, 5);
    const refused = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    assert.equal(refused.reason.code, 'ERR_OUTBOUND_BUDGET');
    const other = await budgeted.get({
      url: `https://rebind.test:${port}/doc`,
      accept: ['application/json'],
      maxBytes: 100,
    });
    assert.equal(other.body.toString(), '{}');
    now += 60;
    await get(budgeted, '/doc-after');
    assert.equal(hits, 7);
  });

  test('cache hits do not spend the budget', async () => {
    handler = json('{}', { 'cache-control': 'max-age=600' });
    const now = 1000;
    const budgeted = withHostBudget(fetcher(), { now: () => now, perWindow: 1, window: 60, maxHosts: 100 });
    const cached = withHttpCache(budgeted, {
      now: () => now,
      minTtl: 60,
      maxTtl: 86_400,
      defaultTtl: 300,
      maxEntries: 10,
    });
    for (let i = 0; i < 5; i++) await get(cached, '/same');
    await assert.rejects(get(cached, '/another'), { code: 'ERR_OUTBOUND_BUDGET' });
  });
});
