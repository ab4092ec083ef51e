import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { isDatabaseUnavailable } from '../../src/lib/database-unavailable.js';
import { type LifecycleFixture, lifecycleFixture } from '../refresh/fixture.js';

/** A real node-postgres connection error: nothing listens on port 1 of loopback. */
async function realConnectionError(): Promise<unknown> {
  const client = new pg.Client({ host: '127.0.0.1', port: 1, user: 'postgres', database: 'test' });
  try {
    await client.connect();
  } catch (error) {
    return error;
  }
  throw new Error('expected the connection to fail');
}

const withCode = (code: string, message = 'x') => Object.assign(new Error(message), { code });

describe('isDatabaseUnavailable', () => {
  const cases: [string, unknown, boolean][] = [
    ['PostgreSQL shutting down (57P01 admin_shutdown)', withCode('57P01'), true],
    ['PostgreSQL starting up (57P03 cannot_connect_now)', withCode('57P03'), true],
    ['a connection exception (08006)', withCode('08006'), true],
    ['too many connections (53300)', withCode('53300'), true],
    ['connection refused', withCode('ECONNREFUSED'), true],
    ['connection reset', withCode('ECONNRESET'), true],
    ['SQLite busy past the busy timeout', withCode('SQLITE_BUSY'), true],
    ['node-postgres losing the connection', new Error('Connection terminated unexpectedly'), true],
    ['node-postgres pool connect timeout', new Error('timeout exceeded when trying to connect'), true],
    ['wrapped in a cause', new Error('store failed', { cause: withCode('ECONNREFUSED') }), true],
    ['inside an AggregateError', new AggregateError([withCode('ECONNREFUSED')]), true],
    ['a unique violation (23505) is a conflict, not an outage', withCode('23505'), false],
    ['a syntax error (42601) is a bug', withCode('42601'), false],
    ['a serialization failure (40001) is a lost race', withCode('40001'), false],
    ['a plain bug', new TypeError('cannot read properties of undefined'), false],
    ['not an object', 'ECONNREFUSED', false],
    ['null', null, false],
  ];
  for (const [name, error, expected] of cases) {
    test(`${expected ? 'recognises' : 'does not count'}: ${name}`, () => {
      assert.equal(isDatabaseUnavailable(error), expected);
    });
  }

  test('recognises the error node-postgres raises when the server cannot be reached', async () => {
    assert.equal(isDatabaseUnavailable(await realConnectionError()), true);
  });

  test('stops following a cause cycle', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    a.cause = a;
    assert.equal(isDatabaseUnavailable(a), false);
  });
});

describe('a request while the database cannot answer', () => {
  let f: LifecycleFixture;
  let outage: unknown;
  before(async () => {
    f = await lifecycleFixture();
    outage = undefined;
    // Every store call fails as node-postgres fails while PostgreSQL is down, until `outage` is cleared.
    for (const store of [f.stores.grants, f.stores.refreshTokens, f.stores.authorizationCodes]) {
      for (const [name, method] of Object.entries(store)) {
        if (typeof method !== 'function') continue;
        (store as unknown as Record<string, unknown>)[name] = async (...args: unknown[]) => {
          if (outage !== undefined) throw outage;
          return (method as (...a: unknown[]) => unknown).apply(store, args);
        };
      }
    }
  });
  after(() => f.close());

  test('is answered 503 temporarily_unavailable with Retry-After and no detail, and succeeds once the database is back', async () => {
    const { body } = await f.signIn();
    outage = await realConnectionError();
    const during = await f.refresh(body['refresh_token']!);
    assert.equal(during.statusCode, 503);
    assert.equal(during.headers['retry-after'], '5');
    assert.equal(during.headers['cache-control'], 'no-store');
    assert.deepEqual(Object.keys(during.json()).sort(), ['error', 'error_description']);
    assert.equal(during.json().error, 'temporarily_unavailable');
    assert.doesNotMatch(during.body, /ECONNREFUSED|127\.0\.0\.1|at .*\.ts/);

    outage = undefined;
    const afterwards = await f.refresh(body['refresh_token']!);
    assert.equal(afterwards.statusCode, 200, afterwards.body);
  });

  test('a bug is still a 500 server_error without a stack, and without Retry-After', async () => {
    outage = new TypeError('boom');
    const { body } = await f.signIn().catch(() => ({ body: {} as Record<string, string> }));
    const response = await f.refresh(body['refresh_token'] ?? 'x'.repeat(43));
    outage = undefined;
    assert.equal(response.statusCode, 500);
    assert.equal(response.headers['retry-after'], undefined);
    assert.equal(response.json().error, 'server_error');
    assert.doesNotMatch(response.body, /boom|TypeError/);
  });
});
