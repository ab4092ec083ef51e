/**
 * Checklist L2 (issue 20 item 3): slow headers, slow bodies, idle kept-alive connections and many
 * connections from one address are bounded by the `http.*` configuration. Real sockets against a
 * listening provider: these bounds live in Node's HTTP server, below anything app.inject reaches.
 */
import assert from 'node:assert/strict';
import type { AddressInfo, Socket } from 'node:net';
import { after, describe, test } from 'node:test';
import type { ProviderConfigOverrides } from '@latchkey/provider';
import { testProviderApp } from '../helpers/fixtures.js';
import { openSocket, parseResponse, rawRequest, readUntilClosed } from '../helpers/raw-http.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const closers: (() => Promise<void>)[] = [];
after(async () => {
  for (const close of closers) await close();
});

async function listening(overrides: ProviderConfigOverrides): Promise<number> {
  const provider = await testProviderApp({ overrides });
  await provider.app.listen({ host: '127.0.0.1', port: 0 });
  closers.push(provider.close);
  return (provider.app.server.address() as AddressInfo).port;
}

/** Writes `chunks` one at a time, `everyMs` apart, until the server closes the connection. */
async function trickle(socket: Socket, chunks: Iterable<string>, everyMs: number, closed: () => boolean) {
  for (const chunk of chunks) {
    if (closed() || socket.destroyed) return;
    socket.write(chunk);
    await sleep(everyMs);
  }
}

function* bytes(text: string) {
  for (const character of text) yield character;
}

describe('L2: connection bounds', () => {
  test('L2: slow headers (a byte every 500 ms) are cut off after http.headersTimeout', async () => {
    const port = await listening({ http: { headersTimeout: 2, requestTimeout: 3 } });
    const socket = await openSocket(port);
    const started = Date.now();
    let closed = false;
    let closedAt = 0;
    const reading = readUntilClosed(socket, 15_000).then((result) => {
      closed = true;
      closedAt = Date.now();
      return result;
    });
    const headers = `GET /jwks HTTP/1.1\r\nHost: localhost\r\nX-Slow: ${'s'.repeat(100)}\r\n\r\n`;
    await trickle(socket, bytes(headers), 500, () => closed);
    const { text, closed: wasClosed } = await reading;
    const elapsed = closedAt - started;
    assert.ok(wasClosed, 'the server closed the connection');
    // headersTimeout (2 s) plus Node's check interval (0.5 s), long before the headers could end.
    assert.ok(elapsed < 3_500, `closed after ${elapsed} ms`);
    // The client gets the factory's 408, not Node's bare one.
    const response = parseResponse(text);
    assert.equal(response.status, 408);
    assert.equal(JSON.parse(response.body).error, 'invalid_request');
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
  });

  test('L2: a slow body (Content-Length 60000, one byte every 2 s) is cut off after http.requestTimeout', async () => {
    const port = await listening({ http: { headersTimeout: 2, requestTimeout: 4 } });
    const socket = await openSocket(port);
    let closed = false;
    let closedAt = 0;
    const reading = readUntilClosed(socket, 20_000).then((result) => {
      closed = true;
      closedAt = Date.now();
      return result;
    });
    const started = Date.now();
    socket.write(
      'POST /token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 60000\r\n\r\n',
    );
    await trickle(socket, bytes('grant_type=client_credentials'.padEnd(60_000, 'x')), 2_000, () => closed);
    const { text, closed: wasClosed } = await reading;
    const elapsed = closedAt - started;
    assert.ok(wasClosed, 'the server closed the connection');
    // requestTimeout (4 s) plus Node's check interval (0.5 s): 60000 bytes at this pace take 33 hours.
    assert.ok(elapsed < 5_500, `closed after ${elapsed} ms`);
    assert.equal(parseResponse(text).status, 408);
  });

  test('L2: an idle kept-alive connection is closed after http.keepAliveTimeout', async () => {
    const port = await listening({ http: { keepAliveTimeout: 1 } });
    const socket = await openSocket(port);
    const reading = readUntilClosed(socket, 10_000);
    const started = Date.now();
    socket.write('GET /jwks HTTP/1.1\r\nHost: localhost\r\n\r\n');
    const { text, closed } = await reading;
    const elapsed = Date.now() - started;
    assert.match(text, /^HTTP\/1\.1 200/);
    assert.ok(closed && elapsed < 3_000, `closed after ${elapsed} ms`);
  });

  test('L2: connections beyond http.maxConnectionsPerAddress from one address are closed at once', async () => {
    const port = await listening({ http: { maxConnectionsPerAddress: 5 } });
    const held = await Promise.all(Array.from({ length: 5 }, () => openSocket(port)));
    // Many more at once: each is closed without an answer, and the five held ones stay usable.
    const extra = await Promise.all(Array.from({ length: 20 }, () => openSocket(port)));
    const results = await Promise.all(
      extra.map((socket) => {
        const reading = readUntilClosed(socket, 2_000);
        socket.write('GET /jwks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
        return reading;
      }),
    );
    for (const { text, closed } of results) {
      assert.ok(closed, 'an extra connection is closed');
      assert.equal(text, '', 'and never answered');
    }
    const first = held[0]!;
    const answer = readUntilClosed(first, 5_000);
    first.write('GET /jwks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
    assert.match((await answer).text, /^HTTP\/1\.1 200/);
    // The closed one freed its place: a new connection is served.
    const again = await rawRequest(
      port,
      'GET /jwks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n',
    );
    assert.equal(again.status, 200);
    for (const socket of held) socket.destroy();
  });

  test('L2: a trusted proxy is exempt from the per-address limit (it carries many clients)', async () => {
    const port = await listening({ trustedProxies: ['127.0.0.0/8'], http: { maxConnectionsPerAddress: 2 } });
    const sockets = await Promise.all(Array.from({ length: 6 }, () => openSocket(port)));
    const results = await Promise.all(
      sockets.map((socket) => {
        const reading = readUntilClosed(socket, 5_000);
        socket.write('GET /jwks HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n');
        return reading;
      }),
    );
    for (const { text } of results) assert.match(text, /^HTTP\/1\.1 200/);
  });

  test('L2: a browser form body over http.pageBodyLimit is refused with 413; the API keeps bodyLimit', async () => {
    const port = await listening({ http: { pageBodyLimit: 4096 } });
    const body = `interaction=${'a'.repeat(8000)}`;
    const post = (path: string) =>
      rawRequest(
        port,
        `POST ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      );
    for (const path of ['/login', '/consent', '/device', '/logout']) {
      assert.equal((await post(path)).status, 413, path);
    }
    assert.notEqual((await post('/token')).status, 413, '/token reads bodies up to bodyLimit');
  });
});
