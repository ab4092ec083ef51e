// DPoP-bound tokens (RFC 9449 §7) on every adapter (node:http, Express, Fastify, Hono), on real servers
// with real tokens and proofs. Checklist D1: each attack gets the right `WWW-Authenticate: DPoP` answer.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  createDpopNonces,
  createDpopProof,
  type DpopKeyPair,
  generateKeyPair,
  jwkThumbprint,
  MemoryReplayCache,
} from '@latchkey/oidc';
import { type Issuer, NOW, testIssuer } from './fixtures.js';
import { ADAPTERS, type RunningServer, send, startServer } from './servers.js';

const now = () => NOW * 1000;
const nonces = createDpopNonces({ secret: new Uint8Array(32).fill(9), now });

let issuer: Issuer;
let keys: DpopKeyPair;
let otherKeys: DpopKeyPair;

before(async () => {
  issuer = await testIssuer();
  keys = await generateKeyPair('ES256');
  otherKeys = await generateKeyPair('ES256');
});

const boundToken = () => issuer.accessToken({ cnf: { jkt: jwkThumbprint(keys.publicKey) } });

function proofFor(
  server: RunningServer,
  token: string,
  options: { htm?: string; path?: string; by?: DpopKeyPair; nonce?: string } = {},
) {
  return createDpopProof(options.by ?? keys, {
    htm: options.htm ?? 'GET',
    htu: `${server.origin}${options.path ?? '/me'}`,
    accessToken: token,
    nonce: options.nonce,
    now,
  });
}

function challengeOf(response: { headers: Record<string, unknown> }): string {
  return String(response.headers['www-authenticate']);
}

for (const adapter of ADAPTERS) {
  describe(`DPoP on ${adapter}`, () => {
    let server: RunningServer;
    let strict: RunningServer;
    before(async () => {
      server = await startServer(adapter, issuer.verifiers, {
        dpop: { now, replayCache: new MemoryReplayCache() },
      });
      strict = await startServer(adapter, issuer.verifiers, { dpop: { now, nonces, required: true } });
    });
    after(async () => {
      await server.close();
      await strict.close();
    });

    test('a DPoP-bound token with its proof reaches the handler', async () => {
      const token = boundToken();
      const response = await send(server.origin, {
        path: '/me',
        headers: { authorization: `DPoP ${token}`, dpop: proofFor(server, token) },
      });
      assert.equal(response.status, 200, response.text);
      assert.equal(server.handled() > 0, true);
    });

    test('a request without credentials learns both schemes and the proof algorithms', async () => {
      const response = await send(server.origin, { path: '/me' });
      assert.equal(response.status, 401);
      assert.match(
        challengeOf(response),
        /^Bearer realm="api".*, DPoP .*algs="ES256 ES384 PS256 RS256 EdDSA"/,
      );
    });

    test('D1: a bound token used as a Bearer token is refused', async () => {
      const response = await send(server.origin, {
        path: '/me',
        headers: { authorization: `Bearer ${boundToken()}` },
      });
      assert.equal(response.status, 401);
      assert.match(challengeOf(response), /^DPoP .*error="invalid_token"/);
    });

    test('D1: a bound token without its proof is refused', async () => {
      const response = await send(server.origin, {
        path: '/me',
        headers: { authorization: `DPoP ${boundToken()}` },
      });
      assert.equal(response.status, 401);
      assert.match(challengeOf(response), /^DPoP .*error="invalid_dpop_proof"/);
    });

    test('D1: a proof for another method or URL is refused', async () => {
      const token = boundToken();
      for (const dpop of [
        proofFor(server, token, { htm: 'POST' }),
        proofFor(server, token, { path: '/admin' }),
      ]) {
        const response = await send(server.origin, {
          path: '/me',
          headers: { authorization: `DPoP ${token}`, dpop },
        });
        assert.equal(response.status, 401);
        assert.match(challengeOf(response), /error="invalid_dpop_proof"/);
      }
    });

    test('D1: a replayed proof is refused', async () => {
      const token = boundToken();
      const headers = { authorization: `DPoP ${token}`, dpop: proofFor(server, token) };
      assert.equal((await send(server.origin, { path: '/me', headers })).status, 200);
      const replay = await send(server.origin, { path: '/me', headers });
      assert.equal(replay.status, 401);
      assert.match(challengeOf(replay), /error="invalid_dpop_proof", error_description="[^"]*used before/);
    });

    test('D1: a proof by another key than the token is bound to is refused', async () => {
      const token = boundToken();
      const dpop = proofFor(server, token, { by: otherKeys });
      const response = await send(server.origin, {
        path: '/me',
        headers: { authorization: `DPoP ${token}`, dpop },
      });
      assert.equal(response.status, 401);
      assert.match(challengeOf(response), /error="invalid_dpop_proof"/);
    });

    test('a token that is not bound, sent with the DPoP scheme, is refused', async () => {
      const token = issuer.accessToken();
      const response = await send(server.origin, {
        path: '/me',
        headers: { authorization: `DPoP ${token}`, dpop: proofFor(server, token) },
      });
      assert.equal(response.status, 401);
      assert.match(challengeOf(response), /^DPoP .*error="invalid_token"/);
    });

    test('with required DPoP, a Bearer token is refused', async () => {
      const response = await send(strict.origin, {
        path: '/me',
        headers: { authorization: `Bearer ${issuer.accessToken()}` },
      });
      assert.equal(response.status, 401);
      assert.match(challengeOf(response), /^DPoP /);
    });

    test('with server nonces, the first proof gets use_dpop_nonce and a nonce, the retry passes', async () => {
      const token = boundToken();
      const first = await send(strict.origin, {
        path: '/me',
        headers: { authorization: `DPoP ${token}`, dpop: proofFor(strict, token) },
      });
      assert.equal(first.status, 401);
      assert.match(challengeOf(first), /error="use_dpop_nonce"/);
      const nonce = String(first.headers['dpop-nonce']);
      assert.equal(nonces.isValid(nonce), true);
      const retry = await send(strict.origin, {
        path: '/me',
        headers: { authorization: `DPoP ${token}`, dpop: proofFor(strict, token, { nonce }) },
      });
      assert.equal(retry.status, 200, retry.text);
    });
  });
}
