// L2 (CWE-400, slowloris): header time, request time, body size and connections per address are
// bounded, checked with real sockets against a gateway configured with short limits.
import assert from 'node:assert/strict';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from './helpers/gateway.js';

let h: Harness;
before(async () => {
  h = await startHarness({
    limits: {
      headersTimeout: '1s',
      requestTimeout: '2s',
      keepAliveTimeout: '1s',
      maxHeaderSize: 4096,
      maxBodySize: 1000,
      connectionsPerAddress: 4,
    },
  });
});
after(() => h.close());

function open(): Promise<Socket> {
  const { port } = new URL(h.gateway.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Everything the gateway sends until it closes the connection, and after how many ms. */
function untilClosed(socket: Socket, limitMs = 8000): Promise<{ text: string; ms: number }> {
  const started = Date.now();
  let text = '';
  socket.on('data', (chunk) => {
    text += chunk.toString('latin1');
  });
  socket.on('error', () => {});
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the connection was not closed')), limitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve({ text, ms: Date.now() - started });
    });
  });
}

/** Writes `text` a byte at a time, every `everyMs`, until the socket closes. */
function trickle(socket: Socket, text: string, everyMs: number): void {
  let i = 0;
  const timer = setInterval(() => {
    if (socket.destroyed || i >= text.length) return clearInterval(timer);
    socket.write(text[i++]!);
  }, everyMs);
  socket.once('close', () => clearInterval(timer));
}

describe('L2: bounded time, size and connections', () => {
  test('L2: headers sent one byte at a time are cut off after limits.headersTimeout', async () => {
    const socket = await open();
    const closed = untilClosed(socket);
    socket.write('GET /public/x HTTP/1.1\r\nHost: localhost\r\n');
    trickle(socket, `X-Slow: ${'a'.repeat(200)}\r\n\r\n`, 100);
    const { text, ms } = await closed;
    assert.ok(ms < 4500, `closed after ${ms} ms`);
    assert.match(text, /^HTTP\/1\.1 408/);
  });

  test('L2: a body sent one byte at a time is cut off after limits.requestTimeout', async () => {
    const seen = h.upstream.seen.length;
    const socket = await open();
    const closed = untilClosed(socket);
    socket.write('POST /public/upload HTTP/1.1\r\nHost: localhost\r\nContent-Length: 900\r\n\r\n');
    trickle(socket, 'b'.repeat(900), 100);
    const { ms } = await closed;
    assert.ok(ms < 5500, `closed after ${ms} ms`);
    // The upstream never got a whole request out of it.
    assert.ok(h.upstream.seen.slice(seen).every((r) => r.url !== '/public/upload'));
  });

  test('L2: a declared body over limits.maxBodySize is a 413 and never reaches the upstream', async () => {
    const seen = h.upstream.seen.length;
    const response = await fetch(`${h.gateway.url}/public/upload`, {
      method: 'POST',
      body: 'x'.repeat(1001),
    });
    assert.equal(response.status, 413);
    const within = await fetch(`${h.gateway.url}/public/upload`, { method: 'POST', body: 'x'.repeat(1000) });
    assert.equal(within.status, 200);
    assert.equal(h.upstream.seen.length, seen + 1);
  });

  test('L2: a chunked body is counted as it streams: over limits.maxBodySize is a 413', async () => {
    const socket = await open();
    const closed = untilClosed(socket);
    socket.write('POST /public/upload HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: chunked\r\n\r\n');
    for (let i = 0; i < 3; i++) socket.write(`190\r\n${'c'.repeat(400)}\r\n`);
    socket.write('0\r\n\r\n');
    const { text } = await closed;
    assert.match(text, /^HTTP\/1\.1 413/);
  });

  test('L2: headers over limits.maxHeaderSize are a 431', async () => {
    const response = await fetch(`${h.gateway.url}/public/x`, { headers: { 'x-big': 'h'.repeat(5000) } });
    assert.equal(response.status, 431);
  });

  test('L2: of many parallel connections from one address, at most limits.connectionsPerAddress stay open', async () => {
    const sockets = await Promise.all(Array.from({ length: 20 }, open));
    const answers = await Promise.all(
      sockets.map(
        (socket) =>
          new Promise<string>((resolve) => {
            let text = '';
            socket.on('data', (chunk) => {
              text += chunk.toString('latin1');
              if (/\r\n\r\n/.test(text)) resolve(text.slice(0, 12));
            });
            socket.on('error', () => resolve(text.slice(0, 12) || 'reset'));
            socket.on('close', () => resolve(text.slice(0, 12) || 'closed'));
            socket.write('GET /public/x HTTP/1.1\r\nHost: localhost\r\n\r\n');
          }),
      ),
    );
    assert.equal(answers.filter((a) => a === 'HTTP/1.1 200').length, 4, answers.join(','));
    assert.equal(answers.filter((a) => a === 'HTTP/1.1 503').length, 16, answers.join(','));
    for (const socket of sockets) socket.destroy();
    // Closed connections free their places.
    await new Promise((resolve) => setTimeout(resolve, 50));
    assert.equal((await fetch(`${h.gateway.url}/public/x`)).status, 200);
  });
});

test('L2: limits are validated naming the key', async () => {
  const { loadGatewayConfig } = await import('@latchkey/gateway');
  const base = {
    publicUrl: 'http://localhost',
    cookie: { secret: 'k'.repeat(32) },
    providers: [{ id: 'op', issuer: 'https://op.example', clientId: 'c' }],
    routes: [{ path: '/', policy: 'public' }],
  };
  assert.throws(
    () => loadGatewayConfig({ env: {}, raw: { ...base, limits: { connectionsPerAddress: 0 } } }),
    /limits\.connectionsPerAddress/,
  );
  assert.throws(
    () =>
      loadGatewayConfig({
        env: {},
        raw: { ...base, limits: { headersTimeout: '2m', requestTimeout: '1m' } },
      }),
    /limits\.headersTimeout/,
  );
  const defaults = loadGatewayConfig({ env: {}, raw: base }).limits;
  assert.deepEqual(defaults, {
    headersTimeout: 10,
    requestTimeout: 60,
    keepAliveTimeout: 65,
    maxHeaderSize: 16384,
    maxBodySize: 10485760,
    connectionsPerAddress: 100,
  });
});
