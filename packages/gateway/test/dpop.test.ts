// DPoP-bound access tokens (RFC 9449 §7) on an API route of the gateway. Checklist D1 (G): a bound
// token needs its proof, by its key, for this method and URI, once.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startGateway } from '@latchkey/gateway';
import { createDpopProof, type DpopKeyPair, generateKeyPair, jwkThumbprint } from '@latchkey/oidc';
import { type Harness, startHarness } from './helpers/gateway.js';

let h: Harness;
let keys: DpopKeyPair;
before(async () => {
  h = await startHarness();
  keys = await generateKeyPair('ES256');
});
after(() => h.close());

// The route's public origin, which the proof must name (the gateway's publicUrl).
const PUBLIC = 'http://localhost';
const boundToken = () =>
  h.op.accessToken(
    { sub: 'svc', scope: 'orders.read', cnf: { jkt: jwkThumbprint(keys.publicKey) } },
    `${PUBLIC}/api`,
  );
const get = (headers: Record<string, string>) => fetch(`${h.gateway.url}/api/orders`, { headers });
const proof = (token: string, options: { htm?: string; path?: string; by?: DpopKeyPair } = {}) =>
  createDpopProof(options.by ?? keys, {
    htm: options.htm ?? 'GET',
    htu: `${PUBLIC}${options.path ?? '/api/orders'}`,
    accessToken: token,
  });

describe('DPoP on an API route', () => {
  test('a bound token with its proof reaches the upstream', async () => {
    const token = boundToken();
    const response = await get({ authorization: `DPoP ${token}`, dpop: proof(token) });
    assert.equal(response.status, 200, await response.clone().text());
  });

  test('D1: a bound token sent as a Bearer token is refused', async () => {
    const response = await get({ authorization: `Bearer ${boundToken()}` });
    assert.equal(response.status, 401);
    assert.match(response.headers.get('www-authenticate') ?? '', /^DPoP .*error="invalid_token"/);
  });

  test('D1: a proof for another URI, by another key, or replayed is refused', async () => {
    const token = boundToken();
    const other = await generateKeyPair('ES256');
    for (const dpop of [
      proof(token, { path: '/api/other' }),
      proof(token, { by: other }),
      proof(token, { htm: 'POST' }),
    ]) {
      const response = await get({ authorization: `DPoP ${token}`, dpop });
      assert.equal(response.status, 401);
      assert.match(response.headers.get('www-authenticate') ?? '', /error="invalid_dpop_proof"/);
    }
    const once = proof(token);
    assert.equal((await get({ authorization: `DPoP ${token}`, dpop: once })).status, 200);
    const replay = await get({ authorization: `DPoP ${token}`, dpop: once });
    assert.equal(replay.status, 401);
  });

  test('D1: a proof accepted by one gateway is refused by another on the same database (a cluster)', async () => {
    const second = await startGateway(h.config, { fetch: h.op.fetch, now: () => h.clock.now });
    try {
      const token = boundToken();
      const once = proof(token);
      const headers = { authorization: `DPoP ${token}`, dpop: once };
      assert.equal((await get(headers)).status, 200);
      const replayed = await fetch(`${second.url}/api/orders`, { headers });
      assert.equal(replayed.status, 401);
      assert.match(replayed.headers.get('www-authenticate') ?? '', /error="invalid_dpop_proof"/);
      // The second gateway itself accepts a fresh proof.
      const fresh = { authorization: `DPoP ${token}`, dpop: proof(token) };
      assert.equal((await fetch(`${second.url}/api/orders`, { headers: fresh })).status, 200);
    } finally {
      await second.close();
    }
  });

  test('D1: of many parallel uses of one proof across two gateways, exactly one gets through', async () => {
    const second = await startGateway(h.config, { fetch: h.op.fetch, now: () => h.clock.now });
    try {
      const token = boundToken();
      const headers = { authorization: `DPoP ${token}`, dpop: proof(token) };
      const responses = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          fetch(`${i % 2 === 0 ? h.gateway.url : second.url}/api/orders`, { headers }),
        ),
      );
      assert.equal(responses.filter((r) => r.status === 200).length, 1);
    } finally {
      await second.close();
    }
  });
});
