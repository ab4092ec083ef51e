import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { test } from 'node:test';
import { dpopHeaderValues } from '../../src/dpop/sender-constraint.js';

/** The request Node parses from these raw header lines (as a client sent them, any spelling). */
async function parsed(headerLines: readonly string[]): Promise<IncomingMessage> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const port = (server.address() as { port: number }).port;
    const received = new Promise<IncomingMessage>((resolve) =>
      server.once('request', (request, response) => {
        resolve(request);
        response.end();
      }),
    );
    const socket = connect(port, '127.0.0.1');
    socket.write(
      `POST /token HTTP/1.1\r\nHost: x\r\n${headerLines.map((l) => `${l}\r\n`).join('')}Content-Length: 0\r\n\r\n`,
    );
    const request = await received;
    socket.destroy();
    return request;
  } finally {
    server.close();
  }
}

test('RFC 9449 §4.3: every DPoP header is found, under any spelling, so two are refused as two', async () => {
  assert.deepEqual(dpopHeaderValues(await parsed(['DPoP: first', 'dpop: second'])), ['first', 'second']);
  assert.deepEqual(dpopHeaderValues(await parsed(['DPOP: only'])), ['only']);
});

test('a request without a DPoP header has none (Bearer clients)', async () => {
  assert.deepEqual(dpopHeaderValues(await parsed(['Authorization: Basic eDp5', 'X-DPoP-Like: no'])), []);
});
