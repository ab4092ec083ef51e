import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, type TestContext, test } from 'node:test';
import {
  exportJwk,
  generateKeyPair,
  type JoseKey,
  type JwsHeader,
  RemoteKeySet,
  type RemoteKeySetOptions,
  signJwt,
  verifyJwt,
} from '@latchkey/oidc';
import { frozenClock, type Handler, json, startTestServer, type TestServer } from './test-server.js';

type Pair = { privateKey: JoseKey; publicKey: JoseKey };
let a: Pair;
let b: Pair;

before(async () => {
  [a, b] = await Promise.all([
    generateKeyPair('ES256', { kid: 'key-a' }),
    generateKeyPair('EdDSA', { kid: 'key-b' }),
  ]);
});

const jwks = (...keys: JoseKey[]) => ({ keys: keys.map((k) => exportJwk(k)) });
const header = (key: JoseKey): JwsHeader => ({ alg: key.alg, kid: key.kid });
const unknownHeader = (kid: string = randomUUID()): JwsHeader => ({ alg: 'ES256', kid });

interface Setup {
  server: TestServer;
  clock: ReturnType<typeof frozenClock>;
  keySet: RemoteKeySet;
  fetches: () => number;
}

async function setup(t: TestContext, handler: Handler, options: RemoteKeySetOptions = {}): Promise<Setup> {
  const server = await startTestServer(handler);
  t.after(() => server.close());
  const clock = frozenClock();
  const keySet = new RemoteKeySet(`${server.origin}/jwks`, { now: clock.now, ...options });
  return { server, clock, keySet, fetches: () => server.count('/jwks') };
}

/** Polls until `predicate` holds (a background fetch is observable only through its effects). */
async function until(predicate: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !predicate(); waited += 2) {
    if (waited > 2000) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const isPromise = (value: unknown): value is Promise<unknown> => value instanceof Promise;

test('the first resolve fetches, later ones answer synchronously from the cache', async (t) => {
  const { keySet, fetches } = await setup(t, json(jwks(a.publicKey, b.publicKey)));
  const first = keySet.resolve(header(a.publicKey));
  assert.ok(isPromise(first));
  assert.equal(await first, keySet.keys[0]);
  const second = keySet.resolve(header(b.publicKey));
  assert.ok(!isPromise(second));
  assert.equal(second.kid, 'key-b');
  assert.equal(fetches(), 1);
});

describe('K1: an unknown kid', () => {
  test('K1: causes one refetch when the cooldown allows, then is rejected', async (t) => {
    const { keySet, clock, fetches } = await setup(t, json(jwks(a.publicKey)));
    await keySet.resolve(header(a.publicKey));
    // Within the cooldown of the first fetch: rejected without fetching.
    assert.throws(() => keySet.resolve(unknownHeader('nope')), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    assert.equal(fetches(), 1);
    clock.advance(30);
    await assert.rejects(
      Promise.resolve().then(() => keySet.resolve(unknownHeader('nope'))),
      {
        code: 'ERR_JWKS_NO_MATCHING_KEY',
      },
    );
    assert.equal(fetches(), 2);
    // And again at once: fail closed, no fetch.
    assert.throws(() => keySet.resolve(unknownHeader('nope')), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    clock.advance(29);
    assert.throws(() => keySet.resolve(unknownHeader('nope')), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
    assert.equal(fetches(), 2);
  });

  test('K1: on first use, an unknown kid costs one fetch, not two', async (t) => {
    const { keySet, fetches } = await setup(t, json(jwks(a.publicKey)));
    await assert.rejects(Promise.resolve(keySet.resolve(unknownHeader())), {
      code: 'ERR_JWKS_NO_MATCHING_KEY',
    });
    assert.equal(fetches(), 1);
  });
});

describe('K2: fetch storms', () => {
  test('K2: 1000 concurrent requests with random kids cause at most one fetch per cooldown', async (t) => {
    const { keySet, clock, fetches } = await setup(t, json(jwks(a.publicKey)));
    const storm = () =>
      Promise.allSettled(
        Array.from({ length: 1000 }, () => Promise.resolve().then(() => keySet.resolve(unknownHeader()))),
      );
    let results = await storm();
    assert.equal(fetches(), 1);
    assert.ok(
      results.every(
        (r) => r.status === 'rejected' && (r.reason as { code: string }).code === 'ERR_JWKS_NO_MATCHING_KEY',
      ),
    );
    results = await storm();
    assert.equal(fetches(), 1);
    clock.advance(30);
    results = await storm();
    assert.equal(fetches(), 2);
    assert.ok(results.every((r) => r.status === 'rejected'));
  });

  test('K2: concurrent first requests share one fetch in flight', async (t) => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const body = jwks(a.publicKey);
    const { keySet, fetches } = await setup(t, (_req, res) => {
      void gate.then(() =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      );
    });
    const pending = Array.from({ length: 50 }, () => keySet.resolve(header(a.publicKey)));
    await new Promise((r) => setTimeout(r, 20));
    release();
    const keys = await Promise.all(pending);
    assert.ok(keys.every((k) => k.kid === 'key-a'));
    assert.equal(fetches(), 1);
  });

  test('K2: a failing provider is asked again only after the cooldown', async (t) => {
    const { keySet, clock, fetches } = await setup(t, (_req, res) => res.writeHead(503).end());
    for (let i = 0; i < 20; i++) {
      await assert.rejects(Promise.resolve(keySet.resolve(header(a.publicKey))), {
        code: 'ERR_JWKS_FETCH_FAILED',
      });
    }
    assert.equal(fetches(), 1);
    clock.advance(30);
    await assert.rejects(Promise.resolve(keySet.resolve(header(a.publicKey))), {
      code: 'ERR_JWKS_FETCH_FAILED',
    });
    assert.equal(fetches(), 2);
  });
});

describe('K3: provider outage', () => {
  test('K3: while stale keys serve through an outage, the refresh is retried at most once per cooldown', async (t) => {
    const { keySet, server, clock, fetches } = await setup(t, json(jwks(a.publicKey)));
    await keySet.resolve(header(a.publicKey));
    server.handler = (_q, s) => s.writeHead(500).end();
    clock.advance(600);
    // Many requests over real time, on a frozen clock: the failed refresh completes meanwhile.
    for (let i = 0; i < 50; i++) {
      assert.equal((keySet.resolve(header(a.publicKey)) as JoseKey).kid, 'key-a');
      await new Promise((r) => setTimeout(r, 2));
    }
    assert.equal(fetches(), 2);
    clock.advance(30);
    keySet.resolve(header(a.publicKey));
    await until(() => fetches() === 3, 'the retry after the cooldown');
  });

  const oversized = JSON.stringify({ keys: [], pad: 'x'.repeat(4000) });
  const outages: { name: string; handler: Handler; code: string }[] = [
    { name: 'HTTP 500', handler: (_q, s) => s.writeHead(500).end('{}'), code: 'ERR_JWKS_FETCH_FAILED' },
    { name: 'bad JSON', handler: (_q, s) => s.writeHead(200).end('{"keys": ['), code: 'ERR_JWKS_INVALID' },
    { name: 'a JSON array', handler: (_q, s) => s.writeHead(200).end('[]'), code: 'ERR_JWKS_INVALID' },
    {
      name: 'duplicate members',
      handler: (_q, s) => s.writeHead(200).end('{"keys":[],"keys":[]}'),
      code: 'ERR_JWKS_INVALID',
    },
    { name: 'no usable key', handler: json({ keys: [{ kty: 'EC', use: 'enc' }] }), code: 'ERR_JWKS_INVALID' },
    {
      name: 'a body over maxSize, streamed without content-length',
      handler: (_q, s) => {
        s.writeHead(200, { 'content-type': 'application/json' });
        for (let i = 0; i < oversized.length; i += 500) s.write(oversized.slice(i, i + 500));
        s.end();
      },
      code: 'ERR_JWKS_FETCH_FAILED',
    },
    {
      name: 'a body over maxSize, declared',
      handler: (_q, s) => s.writeHead(200, { 'content-length': String(oversized.length) }).end(oversized),
      code: 'ERR_JWKS_FETCH_FAILED',
    },
    {
      name: 'a redirect, even to the same host',
      handler: (_q, s) => s.writeHead(302, { location: '/good-jwks' }).end(),
      code: 'ERR_JWKS_FETCH_FAILED',
    },
    { name: 'a timeout', handler: () => {}, code: 'ERR_JWKS_TIMEOUT' },
    {
      name: 'a body that stalls after the headers',
      handler: (_q, s) => {
        s.writeHead(200, { 'content-type': 'application/json' });
        s.write('{"keys":[');
      },
      code: 'ERR_JWKS_TIMEOUT',
    },
  ];
  const limits = { maxSize: 2048, timeout: '0.15s' } as const;

  for (const outage of outages) {
    test(`K3: ${outage.name} with no keys yet surfaces ${outage.code}`, async (t) => {
      const { keySet, server } = await setup(t, outage.handler, limits);
      await assert.rejects(Promise.resolve(keySet.resolve(header(a.publicKey))), { code: outage.code });
      assert.equal(server.count('/good-jwks'), 0);
    });

    test(`K3: ${outage.name} keeps serving the last good keys, up to maxStaleness`, async (t) => {
      const { keySet, server, clock, fetches } = await setup(t, json(jwks(a.publicKey)), {
        ...limits,
        maxStaleness: '1h',
      });
      await keySet.resolve(header(a.publicKey));
      server.handler = outage.handler;
      clock.advance(600); // the default freshness without Cache-Control
      const stale = keySet.resolve(header(a.publicKey));
      assert.ok(!isPromise(stale), 'stale keys answer at once while a refresh runs');
      assert.equal(stale.kid, 'key-a');
      await until(() => fetches() === 2, 'the background refresh');
      assert.equal((keySet.resolve(header(a.publicKey)) as JoseKey).kid, 'key-a');
      // An unknown kid still fails closed during the outage.
      clock.advance(30);
      await assert.rejects(
        Promise.resolve().then(() => keySet.resolve(unknownHeader())),
        {
          code: 'ERR_JWKS_NO_MATCHING_KEY',
        },
      );
      // Past the staleness bound the keys are no longer used and the failure surfaces.
      clock.advance(3600);
      await assert.rejects(
        Promise.resolve().then(() => keySet.resolve(header(a.publicKey))),
        { code: outage.code },
      );
    });
  }
});

describe('caching', () => {
  const cases: { name: string; cacheControl: string | undefined; freshFor: number }[] = [
    { name: 'max-age is honoured', cacheControl: 'public, max-age=120', freshFor: 120 },
    { name: 'a max-age below 60 s is raised to 60 s', cacheControl: 'max-age=5', freshFor: 60 },
    { name: 'a max-age above 24 h is lowered to 24 h', cacheControl: 'max-age=999999', freshFor: 86_400 },
    { name: 'no-store counts as the minimum', cacheControl: 'no-store', freshFor: 60 },
    { name: 'no Cache-Control means 10 minutes', cacheControl: undefined, freshFor: 600 },
  ];
  for (const c of cases) {
    test(`Cache-Control: ${c.name}`, async (t) => {
      const headers: Record<string, string> =
        c.cacheControl === undefined ? {} : { 'cache-control': c.cacheControl };
      const { keySet, clock, fetches } = await setup(t, json(jwks(a.publicKey), headers));
      await keySet.resolve(header(a.publicKey));
      clock.advance(c.freshFor - 1);
      keySet.resolve(header(a.publicKey));
      assert.equal(fetches(), 1, 'still fresh');
      clock.advance(1);
      assert.ok(!isPromise(keySet.resolve(header(a.publicKey))), 'expired keys serve while refreshing');
      await until(() => fetches() === 2, 'the refresh once expired');
    });
  }

  test('cacheMaxAge bounds and default are configurable', async (t) => {
    const { keySet, clock, fetches } = await setup(t, json(jwks(a.publicKey)), {
      cacheMaxAge: { min: '10s', max: '1m', default: '20s' },
    });
    await keySet.resolve(header(a.publicKey));
    clock.advance(19);
    keySet.resolve(header(a.publicKey));
    assert.equal(fetches(), 1);
    clock.advance(11); // 30 s: past the 20 s default and the 30 s cooldown
    keySet.resolve(header(a.publicKey));
    await until(() => fetches() === 2, 'the refresh after the configured default');
  });

  test('reload fetches whatever the cooldown, and a failed reload keeps the keys', async (t) => {
    const { keySet, server, fetches } = await setup(t, json(jwks(a.publicKey)));
    await keySet.reload();
    server.handler = json(jwks(a.publicKey, b.publicKey));
    await keySet.reload();
    assert.equal(fetches(), 2);
    assert.deepEqual(
      keySet.keys.map((k) => k.kid),
      ['key-a', 'key-b'],
    );
    server.handler = (_q, s) => s.writeHead(500).end();
    await assert.rejects(keySet.reload(), { code: 'ERR_JWKS_FETCH_FAILED' });
    assert.equal(keySet.keys.length, 2);
  });
});

test('K5: a token from the old key verifies after a new key is added, until the old key leaves', async (t) => {
  const { keySet, server, clock, fetches } = await setup(t, json(jwks(a.publicKey)));
  const NOW = clock.now() / 1000;
  const options = { issuer: 'https://id.example.com', audience: 'api', now: clock.now };
  const claims = { iss: options.issuer, aud: 'api', exp: NOW + 7200 };
  const oldToken = signJwt(claims, a.privateKey);
  const newToken = signJwt(claims, b.privateKey);

  await verifyJwt(oldToken, keySet, options);
  // The provider publishes the next key before it signs with it.
  server.handler = json(jwks(a.publicKey, b.publicKey));
  clock.advance(60);
  await verifyJwt(oldToken, keySet, options);
  assert.equal(fetches(), 1, 'a known kid needs no fetch');
  // The first token from the new key: its kid is unknown, which triggers the one refetch.
  assert.equal((await verifyJwt(newToken, keySet, options)).key.kid, 'key-b');
  assert.equal(fetches(), 2);
  await verifyJwt(oldToken, keySet, options);
  // The old key leaves the JWKS; once the cache expires and refreshes, its tokens are refused.
  server.handler = json(jwks(b.publicKey));
  clock.advance(600);
  await verifyJwt(oldToken, keySet, options); // stale keys serve while the refresh runs
  await until(() => fetches() === 3 && !keySet.keys.some((k) => k.kid === 'key-a'), 'the refresh');
  await assert.rejects(verifyJwt(oldToken, keySet, options), { code: 'ERR_JWKS_NO_MATCHING_KEY' });
  await verifyJwt(newToken, keySet, options);
});

test('options are checked at once with a TypeError', () => {
  const bad: [string | URL, RemoteKeySetOptions][] = [
    ['http://id.example.com/jwks', {}],
    ['ftp://127.0.0.1/jwks', {}],
    ['not a url', {}],
    ['https://id.example.com/jwks', { algorithms: ['HS256'] }],
    ['https://id.example.com/jwks', { algorithms: [] }],
    ['https://id.example.com/jwks', { cooldown: '30 seconds' }],
    ['https://id.example.com/jwks', { timeout: 0 }],
    ['https://id.example.com/jwks', { maxSize: 1.5 }],
    ['https://id.example.com/jwks', { maxStaleness: -1 }],
    ['https://id.example.com/jwks', { cacheMaxAge: { min: '2h', max: '1h' } }],
    ['https://id.example.com/jwks', { fetch: 'fetch' as unknown as typeof fetch }],
  ];
  for (const [url, options] of bad) {
    assert.throws(() => new RemoteKeySet(url, options), TypeError, `${url} ${JSON.stringify(options)}`);
  }
  assert.doesNotThrow(() => new RemoteKeySet(new URL('https://id.example.com/jwks')));
  assert.doesNotThrow(() => new RemoteKeySet('http://localhost:8080/jwks'));
});
