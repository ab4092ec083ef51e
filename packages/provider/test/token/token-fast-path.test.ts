// POST /token answered before Fastify (lib/form-fast-path.ts) for a plain form request over a real
// socket: app.inject() never reaches the HTTP server, so it always takes the Fastify route, and each
// answer of the fast path is compared with the route's answer to the same request.
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { createDpopProof, type DpopKeyPair, generateKeyPair } from '@latchkey/oidc';
import { createFormFastPath } from '../../src/lib/form-fast-path.js';
import { createProviderMetrics } from '../../src/metrics/provider-metrics.js';
import { API, basicAuth, lifecycleFixture } from '../refresh/fixture.js';

interface Answer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | number | string[] | undefined>>;
  readonly body: string;
}

interface Sent {
  readonly path?: string;
  readonly headers?: Record<string, string>;
  readonly body?: string;
  /** Sent in two chunks with Transfer-Encoding: chunked (no Content-Length). */
  readonly chunked?: boolean;
}

const FORM = 'application/x-www-form-urlencoded';

/** The socket's headers, not the route's: every other header must be the same on both paths. */
const SOCKET_HEADERS = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** A listening fixture app, and how many requests reached Fastify (an onRequest hook). */
async function listening(options: Parameters<typeof lifecycleFixture>[0] = {}) {
  const f = await lifecycleFixture(options);
  let reachedFastify = 0;
  f.app.addHook('onRequest', (_request, _reply, done) => {
    reachedFastify += 1;
    done();
  });
  await f.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (f.app.server.address() as AddressInfo).port;

  /** The request over a socket of its own, as any HTTP client sends it. */
  function socket(sent: Sent): Promise<Answer> {
    const body = sent.body ?? '';
    const headers = {
      'content-type': FORM,
      ...(sent.chunked ? {} : { 'content-length': String(Buffer.byteLength(body)) }),
      ...sent.headers,
    };
    return new Promise((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, method: 'POST', path: sent.path ?? '/token', headers, agent: false },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('end', () =>
            resolve({
              status: response.statusCode!,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            }),
          );
        },
      );
      request.on('error', reject);
      if (sent.chunked) {
        request.write(body.slice(0, 5));
        request.end(body.slice(5));
      } else request.end(body);
    });
  }

  /** The same request through Fastify's route (inject never reaches the server's fast path). */
  async function routed(sent: Sent): Promise<Answer> {
    const response = await f.app.inject({
      method: 'POST',
      url: sent.path ?? '/token',
      headers: { 'content-type': FORM, ...sent.headers },
      payload: sent.body ?? '',
    });
    return { status: response.statusCode, headers: response.headers, body: response.body };
  }

  /** Sends over the socket and says whether it reached Fastify. */
  async function fast(sent: Sent): Promise<Answer & { reachedFastify: boolean }> {
    const before = reachedFastify;
    const answer = await socket(sent);
    return { ...answer, reachedFastify: reachedFastify !== before };
  }

  return { f, port, socket, routed, fast, reachedFastify: () => reachedFastify };
}

/**
 * The same status and headers (all of them but the socket's), and the same body; in a success, the
 * freshly made tokens differ, so the body's members are compared with those values left out.
 */
function assertSameAnswer(fast: Answer, routed: Answer, label: string): void {
  assert.equal(fast.status, routed.status, `${label}: status (${fast.body} | ${routed.body})`);
  const names = new Set([...Object.keys(fast.headers), ...Object.keys(routed.headers)]);
  for (const name of [...names].filter((n) => !SOCKET_HEADERS.has(n))) {
    const expected = routed.headers[name];
    assert.equal(
      fast.headers[name],
      expected === undefined ? undefined : String(expected),
      `${label}: header ${name}`,
    );
  }
  if (fast.status !== 200) {
    assert.equal(fast.body, routed.body, `${label}: body`);
    return;
  }
  const fresh = new Set(['access_token', 'refresh_token', 'id_token']);
  const members = (body: string) =>
    Object.entries(JSON.parse(body) as Record<string, unknown>).map(([k, v]) => [k, fresh.has(k) ? '…' : v]);
  assert.deepEqual(members(fast.body), members(routed.body), `${label}: body`);
}

const form = (values: Record<string, string | string[]>) => {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(values)) {
    for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  }
  return body.toString();
};

describe('the token endpoint answered before the framework', () => {
  let l: Awaited<ReturnType<typeof listening>>;
  let dpopKey: DpopKeyPair;
  before(async () => {
    l = await listening();
    dpopKey = await generateKeyPair('ES256');
  });
  after(() => l.f.close());

  const svc = () => ({ authorization: basicAuth('svc', l.f.secrets.svc) });
  const web = () => ({ authorization: basicAuth('web', l.f.secrets.web) });
  const clientCredentials = form({ grant_type: 'client_credentials', scope: 'reports:read', resource: API });

  test('S7: a client_credentials token comes from the fast path, with every header and member the route sends', async () => {
    const sent = { headers: svc(), body: clientCredentials };
    const fast = await l.fast(sent);
    assert.equal(fast.reachedFastify, false, 'answered before Fastify');
    assert.equal(fast.status, 200, fast.body);
    assert.equal(fast.headers['cache-control'], 'no-store');
    assert.equal(fast.headers.pragma, 'no-cache');
    assert.equal(fast.headers['x-frame-options'], 'DENY');
    assertSameAnswer(fast, await l.routed(sent), 'client_credentials');
  });

  test('a form sent with a UTF-8 charset is taken too', async () => {
    for (const type of [`${FORM}; charset=utf-8`, `${FORM};charset=UTF-8`]) {
      const sent = { headers: { ...svc(), 'content-type': type }, body: clientCredentials };
      const fast = await l.fast(sent);
      assert.equal(fast.reachedFastify, false, type);
      assertSameAnswer(fast, await l.routed(sent), type);
    }
  });

  test('a code exchange and a refresh answer as the route does', async () => {
    const [first, second] = [await l.f.issueCode(), await l.f.issueCode()];
    const fast = await l.fast({ headers: web(), body: form(first.form) });
    assert.equal(fast.reachedFastify, false);
    assertSameAnswer(fast, await l.routed({ headers: web(), body: form(second.form) }), 'authorization_code');

    const refreshTokens = [
      JSON.parse(fast.body).refresh_token as string,
      (await l.f.signIn()).body.refresh_token!,
    ];
    const refresh = (token: string) => ({
      headers: web(),
      body: form({ grant_type: 'refresh_token', refresh_token: token }),
    });
    const fastRefresh = await l.fast(refresh(refreshTokens[0]!));
    assert.equal(fastRefresh.reachedFastify, false);
    assertSameAnswer(fastRefresh, await l.routed(refresh(refreshTokens[1]!)), 'refresh_token');
  });

  test('a DPoP-bound token (RFC 9449 §5) answers as the route does', async () => {
    const proof = () => ({
      dpop: createDpopProof(dpopKey, {
        htm: 'POST',
        htu: `${l.f.config.issuer}/token`,
        now: () => l.f.clock.now() * 1000,
      }),
    });
    const fast = await l.fast({ headers: { ...svc(), ...proof() }, body: clientCredentials });
    assert.equal(fast.reachedFastify, false);
    assert.equal(JSON.parse(fast.body).token_type, 'DPoP');
    assertSameAnswer(
      fast,
      await l.routed({ headers: { ...svc(), ...proof() }, body: clientCredentials }),
      'dpop',
    );
  });

  const refusals: [string, () => Sent, number, string][] = [
    [
      'C1: a wrong client secret (Basic)',
      () => ({ headers: { authorization: basicAuth('svc', 'wrong') }, body: clientCredentials }),
      401,
      'invalid_client',
    ],
    [
      'an unknown client (client_secret_post)',
      () => ({ body: form({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: 'x' }) }),
      401,
      'invalid_client',
    ],
    [
      'no grant_type',
      () => ({ headers: svc(), body: form({ scope: 'reports:read' }) }),
      400,
      'invalid_request',
    ],
    [
      'A10: a parameter sent twice',
      () => ({ headers: svc(), body: form({ grant_type: ['client_credentials', 'client_credentials'] }) }),
      400,
      'invalid_request',
    ],
    ['an empty body', () => ({ headers: svc(), body: '' }), 400, 'invalid_request'],
    [
      'a malformed form',
      () => ({ headers: svc(), body: '%%%=&&grant_type=%ZZ' }),
      400,
      'unsupported_grant_type',
    ],
    [
      'an unknown grant type',
      () => ({ headers: svc(), body: form({ grant_type: 'password', username: 'a', password: 'b' }) }),
      400,
      'unsupported_grant_type',
    ],
    [
      'a grant the client is not registered for',
      () => ({ headers: svc(), body: form({ grant_type: 'refresh_token', refresh_token: 'x' }) }),
      400,
      'unauthorized_client',
    ],
    [
      'an unknown code',
      () => ({
        headers: web(),
        body: form({
          grant_type: 'authorization_code',
          code: 'nope',
          redirect_uri: 'https://rp.example/callback',
        }),
      }),
      400,
      'invalid_grant',
    ],
    [
      'a scope the client may not ask for',
      () => ({ headers: svc(), body: form({ grant_type: 'client_credentials', scope: 'admin' }) }),
      400,
      'invalid_scope',
    ],
    [
      'a DPoP header that is not a proof',
      () => ({ headers: { ...svc(), dpop: 'not-a-proof' }, body: clientCredentials }),
      400,
      'invalid_dpop_proof',
    ],
  ];
  for (const [name, sent, status, error] of refusals) {
    test(`${name}: the fast path's error answer is the route's (${status} ${error})`, async () => {
      const fast = await l.fast(sent());
      assert.equal(fast.reachedFastify, false, 'answered before Fastify');
      assert.equal(fast.status, status, fast.body);
      assert.equal(JSON.parse(fast.body).error, error);
      assertSameAnswer(fast, await l.routed(sent()), name);
      if (status === 401) assert.match(String(fast.headers['www-authenticate']), /^Basic /);
    });
  }

  const declined: [string, Sent, number][] = [
    [
      'an Origin header (a browser)',
      { headers: { origin: 'https://app.example' }, body: clientCredentials },
      200,
    ],
    ['a query string', { path: '/token?x=1', body: clientCredentials }, 200],
    [
      'a form in another charset',
      { headers: { 'content-type': `${FORM}; charset=latin1` }, body: clientCredentials },
      200,
    ],
    [
      'a JSON body',
      { headers: { 'content-type': 'application/json' }, body: '{"grant_type":"client_credentials"}' },
      400,
    ],
    ['an XML body', { headers: { 'content-type': 'application/xml' }, body: '<grant_type/>' }, 415],
    ['a chunked body', { chunked: true, body: clientCredentials }, 200],
    ['a body over the limit', { body: `${clientCredentials}&pad=${'x'.repeat(70_000)}` }, 413],
  ];
  for (const [name, sent, status] of declined) {
    test(`${name}: left to Fastify, which answers it (${status})`, async () => {
      const headers = { ...svc(), ...sent.headers };
      const fast = await l.fast({ ...sent, headers });
      assert.equal(fast.reachedFastify, true);
      assert.equal(fast.status, status, fast.body);
    });
  }

  test('a client that goes away before its body is whole is not answered, and the server carries on', async () => {
    await new Promise<void>((resolve) => {
      const request = httpRequest({
        host: '127.0.0.1',
        port: l.port,
        method: 'POST',
        path: '/token',
        headers: { 'content-type': FORM, 'content-length': '100', ...svc() },
        agent: false,
      });
      request.on('error', () => resolve());
      request.on('response', () => assert.fail('nothing may be answered'));
      request.write('grant_type=client_');
      setTimeout(() => {
        request.destroy();
        resolve();
      }, 50);
    });
    const next = await l.fast({ headers: svc(), body: clientCredentials });
    assert.equal(next.status, 200);
    assert.equal(next.reachedFastify, false);
  });

  test('R1: one refresh token sent twice at once through the fast path wins once, and the family is revoked', async () => {
    for (let round = 0; round < 5; round++) {
      const { body, grantId } = await l.f.signIn();
      const sent = {
        headers: web(),
        body: form({ grant_type: 'refresh_token', refresh_token: body.refresh_token! }),
      };
      const before = l.reachedFastify();
      const answers = await Promise.all([l.socket(sent), l.socket(sent)]);
      assert.equal(l.reachedFastify(), before, 'both answered before Fastify');
      assert.deepEqual(
        answers.map((a) => a.status).sort(),
        [200, 400],
        answers.map((a) => a.body).join(' | '),
      );
      assert.equal(JSON.parse(answers.find((a) => a.status === 400)!.body).error, 'invalid_grant');
      assert.notEqual((await l.f.stores.grants.get(grantId))?.revokedAt, null, 'the family is revoked');
    }
  });
});

describe('the token endpoint’s fast path, counted and switched off', () => {
  test('answers there are counted by route, method and status, and issued tokens by grant (metrics)', async () => {
    const metrics = createProviderMetrics({ processMetrics: false });
    const l = await listening({ deps: { metrics } });
    try {
      const body = form({ grant_type: 'client_credentials', scope: 'reports:read', resource: API });
      const svc = { authorization: basicAuth('svc', l.f.secrets.svc) };
      for (const headers of [svc, svc, { authorization: basicAuth('svc', 'wrong') }]) {
        assert.equal((await l.fast({ headers, body })).reachedFastify, false);
      }
      const text = await metrics.registry.metrics();
      const count = (prefix: string, ...labels: string[]) => {
        const line = text.split('\n').find((l) => l.startsWith(prefix) && labels.every((x) => l.includes(x)));
        return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
      };
      const requests = 'latchkey_http_requests_total{';
      assert.equal(count(requests, 'route="/token"', 'method="POST"', 'status="200"'), 2, text);
      assert.equal(count(requests, 'route="/token"', 'method="POST"', 'status="401"'), 1, text);
      assert.equal(count('latchkey_tokens_issued_total{', 'client_credentials'), 2, text);
      assert.equal(count('latchkey_http_request_duration_seconds_count{', 'route="/token"'), 3, text);
    } finally {
      await l.f.close();
    }
  });

  test('with every request logged, every token request goes through Fastify (the access log stays whole)', async () => {
    const l = await listening({ overrides: { logging: { requests: true } } });
    try {
      const body = form({ grant_type: 'client_credentials', scope: 'reports:read', resource: API });
      const fast = await l.fast({ headers: { authorization: basicAuth('svc', l.f.secrets.svc) }, body });
      assert.equal(fast.status, 200);
      assert.equal(fast.reachedFastify, true);
    } finally {
      await l.f.close();
    }
  });

  test('once stopped (the app is closing), it declines every request', () => {
    const fastPath = createFormFastPath({
      securityHeaders: {},
      bodyLimit: 100,
      errorAnswer: () => assert.fail('nothing is answered'),
      log: () => assert.fail('nothing is logged'),
    });
    fastPath.add('/token', { headers: {}, answer: async () => ({}) });
    const request = () =>
      ({
        method: 'POST',
        url: '/token',
        headers: { 'content-type': FORM, 'content-length': '2' },
        on: () => {},
      }) as unknown as IncomingMessage;
    const response = {} as ServerResponse;
    assert.equal(fastPath.answer(request(), response), true);
    fastPath.stop();
    assert.equal(fastPath.answer(request(), response), false);
  });
});
