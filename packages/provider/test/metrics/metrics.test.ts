import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createProviderApp } from '@latchkey/provider';
import type { FastifyInstance } from 'fastify';
import { withAuditLog } from '../../src/audit/logged-audit-store.js';
import { silentLogger } from '../../src/lib/logger.js';
import { createProviderMetrics, type ProviderMetrics } from '../../src/metrics/provider-metrics.js';
import { type LifecycleFixture, lifecycleFixture } from '../refresh/fixture.js';

let f: LifecycleFixture;
let metrics: ProviderMetrics;
let app: FastifyInstance;
before(async () => {
  f = await lifecycleFixture();
  metrics = createProviderMetrics({ now: f.clock.now, processMetrics: false });
  metrics.watchKeySet(f.keyManager);
  app = createProviderApp({
    config: f.config,
    stores: f.stores,
    keyManager: f.keyManager,
    clock: f.clock.now,
    metrics,
  });
});
after(async () => {
  await app.close();
  await f.close();
});

/** The value of one sample in the Prometheus text format, 0 when absent. */
async function sample(name: string, labels: Record<string, string> = {}): Promise<number> {
  const text = await metrics.registry.metrics();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
    if (wanted.every((w) => line.includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}

describe('Prometheus metrics', () => {
  test('count requests by route pattern, method and status, never by raw URL', async () => {
    await app.inject({ url: '/jwks' });
    await app.inject({ url: '/jwks?cache-buster=1' });
    await app.inject({ url: '/no/such/path/12345' });
    assert.equal(
      await sample('latchkey_http_requests_total', { route: '/jwks', method: 'GET', status: '200' }),
      2,
    );
    assert.equal(await sample('latchkey_http_requests_total', { route: 'unmatched', status: '404' }), 1);
    const text = await metrics.registry.metrics();
    assert.doesNotMatch(text, /cache-buster|12345/);
    assert.equal(await sample('latchkey_http_request_duration_seconds_count', { route: '/jwks' }), 2);
  });

  test('count token issuance by grant type, and only successful responses', async () => {
    await f.signIn();
    const ok = await app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...f.auth('svc') },
      payload: 'grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.com',
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const refused = await app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...f.auth('web') },
      payload: 'grant_type=refresh_token&refresh_token=unknown',
    });
    assert.equal(refused.statusCode, 400);
    assert.equal(await sample('latchkey_tokens_issued_total', { grant: 'client_credentials' }), 1);
    assert.equal(await sample('latchkey_tokens_issued_total', { grant: 'refresh_token' }), 0);
    assert.equal(
      await sample('latchkey_http_requests_total', { route: '/token', method: 'POST', status: '400' }),
      1,
    );
  });

  test('count sign-ins by outcome and audit events by type, from the audit log', async () => {
    const { audit } = withAuditLog(f.stores, silentLogger, metrics);
    const at = f.clock.now();
    await audit.append({ type: 'sign_in.success', at, userId: f.user.id });
    await audit.append({ type: 'sign_in.failure', at, details: { reason: 'invalid_credentials' } });
    await audit.append({ type: 'sign_in.failure', at, details: { reason: 'throttled' } });
    assert.equal(await sample('latchkey_sign_ins_total', { outcome: 'success' }), 1);
    assert.equal(await sample('latchkey_sign_ins_total', { outcome: 'failure' }), 2);
    assert.equal(await sample('latchkey_audit_events_total', { type: 'sign_in.failure' }), 2);
  });

  test('time store calls and count failures by kind', async () => {
    const before = await sample('latchkey_database_call_duration_seconds_count');
    await app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...f.auth('web') },
      payload: 'grant_type=refresh_token&refresh_token=unknown',
    });
    assert.ok((await sample('latchkey_database_call_duration_seconds_count')) > before);
    metrics.databaseCall(0.01, Object.assign(new Error('x'), { code: 'ECONNREFUSED' }));
    metrics.databaseCall(0.01, new TypeError('bug'));
    assert.equal(await sample('latchkey_database_errors_total', { kind: 'unavailable' }), 1);
    assert.equal(await sample('latchkey_database_errors_total', { kind: 'other' }), 1);
  });

  test('report the age of each current signing key at scrape time', async () => {
    const activations = f.keyManager.signingKeyActivations();
    assert.deepEqual([...activations.keys()].sort(), ['ES256', 'RS256']);
    f.clock.advance(120);
    const age = await sample('latchkey_signing_key_age_seconds', { alg: 'ES256' });
    assert.equal(age, f.clock.now() - activations.get('ES256')!);
    assert.ok(age >= 120);
  });

  test('process metrics include the event-loop lag', async () => {
    const withProcess = createProviderMetrics();
    assert.match(await withProcess.registry.metrics(), /^nodejs_eventloop_lag_seconds /m);
  });

  test('the provider port has no /metrics route (it is served on its own listener)', async () => {
    assert.equal((await app.inject({ url: '/metrics' })).statusCode, 404);
  });
});
