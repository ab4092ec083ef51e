import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exportJwk, generateKeyPair, type JoseKey, type JwsAlgorithm } from '@latchkey/oidc';
import type { Logger } from '../../src/lib/logger.js';
import { createBackChannelLogout } from '../../src/logout/back-channel.js';
import type { ClientRecord } from '../../src/store/types.js';
import { client } from '../store/fixtures.js';
import { fakeFetch } from './fake-fetch.js';
import { verifyLogoutToken } from './verify-logout-token.js';

const ISSUER = 'https://id.example.com';
const NOW = 1_800_000_000;

async function keys() {
  const rs = await generateKeyPair('RS256');
  const es = await generateKeyPair('ES256');
  const byAlg: Partial<Record<JwsAlgorithm, JoseKey>> = { RS256: rs.privateKey, ES256: es.privateKey };
  const jwks = JSON.stringify({ keys: [exportJwk(rs.publicKey), exportJwk(es.publicKey)] });
  return {
    jwks,
    signingKey: (alg: JwsAlgorithm) => {
      const key = byAlg[alg];
      if (key === undefined) throw new Error(`no ${alg} key`);
      return key;
    },
  };
}

function recordingLogger() {
  const lines: { level: string; object: Record<string, unknown>; message: string }[] = [];
  const at = (level: string) => (object: Record<string, unknown>, message: string) =>
    lines.push({ level, object, message });
  const logger: Logger = { info: at('info'), warn: at('warn'), error: at('error') };
  return { logger, lines };
}

const rp = (clientId: string, extra: Partial<ClientRecord> = {}): ClientRecord => ({
  ...client(),
  clientId,
  backchannelLogoutUri: `https://${clientId}.example/logout`,
  ...extra,
});

describe('back-channel logout notifications', () => {
  test('one logout token per client with a URI, each for that client, signed with its ID token algorithm', async () => {
    const { jwks, signingKey } = await keys();
    const fake = fakeFetch();
    const { logger } = recordingLogger();
    const backChannel = createBackChannelLogout({
      issuer: ISSUER,
      signingKey,
      now: () => NOW,
      logger,
      io: { fetch: fake.fetch, delay: async () => {}, timeoutSignal: () => new AbortController().signal },
    });
    const outcomes = await backChannel.notify({ sid: 'sid-1', userId: 'user-1' }, [
      rp('a', { idTokenSignedResponseAlg: 'RS256' }),
      rp('b', { idTokenSignedResponseAlg: 'ES256' }),
      rp('silent', { backchannelLogoutUri: null }),
    ]);
    assert.deepEqual(outcomes, [
      { clientId: 'a', delivered: true, attempts: 1 },
      { clientId: 'b', delivered: true, attempts: 1 },
    ]);
    assert.deepEqual(
      fake.sent.map((r) => r.url),
      ['https://a.example/logout', 'https://b.example/logout'],
    );
    const jtis = new Set<unknown>();
    for (const [request, clientId, alg] of [
      [fake.sent[0]!, 'a', 'RS256'],
      [fake.sent[1]!, 'b', 'ES256'],
    ] as const) {
      const token = request.body.get('logout_token')!;
      const claims = await verifyLogoutToken(token, { issuer: ISSUER, audience: clientId, jwks, now: NOW });
      assert.equal(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).alg, alg);
      assert.equal(claims.sub, 'user-1');
      assert.equal(claims['sid'], 'sid-1');
      jtis.add(claims.jti);
    }
    assert.equal(jtis.size, 2, 'every token has its own jti');
  });

  test('a client whose algorithm has no key, or whose RP keeps failing, is reported and logged without the token', async () => {
    const { signingKey } = await keys();
    const fake = fakeFetch();
    fake.script('https://down.example/logout', 500, 500);
    const { logger, lines } = recordingLogger();
    const backChannel = createBackChannelLogout({
      issuer: ISSUER,
      signingKey,
      now: () => NOW,
      logger,
      settings: { attempts: 2, timeout: 100, backoff: 10 },
      io: { fetch: fake.fetch, delay: async () => {}, timeoutSignal: () => new AbortController().signal },
    });
    const outcomes = await backChannel.notify({ sid: 'sid-1', userId: 'user-1' }, [
      rp('nokey', { idTokenSignedResponseAlg: 'PS512' }),
      rp('down'),
    ]);
    assert.deepEqual(outcomes, [
      { clientId: 'nokey', delivered: false, attempts: 0, reason: 'signing' },
      { clientId: 'down', delivered: false, attempts: 2, reason: 'status 500' },
    ]);
    const sentToken = fake.sent[0]!.body.get('logout_token')!;
    for (const line of lines)
      assert.doesNotMatch(JSON.stringify(line.object), new RegExp(sentToken.slice(-20)));
    assert.ok(lines.some((l) => l.level === 'warn' && l.object['clientId'] === 'down'));
  });
});
