/**
 * Issue 20 item 5: every answer, including the framework's and Node's own errors (bad URL, 404, 413,
 * 415, bad JSON, 431, an unparsable request), goes through the one error factory with the security
 * headers, never names the framework and never echoes the request. Real sockets, so what Node and
 * Fastify write before any handler runs is seen exactly as a client sees it.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { testProviderApp } from '../helpers/fixtures.js';
import { type RawResponse, rawRequest } from '../helpers/raw-http.js';

let port: number;
let close: () => Promise<void>;
before(async () => {
  const provider = await testProviderApp();
  await provider.app.listen({ host: '127.0.0.1', port: 0 });
  port = (provider.app.server.address() as AddressInfo).port;
  close = provider.close;
});
after(() => close());

const request = (head: string, body = '') =>
  rawRequest(
    port,
    `${head}\r\nHost: localhost\r\nConnection: close\r\n${body === '' ? '' : `Content-Length: ${Buffer.byteLength(body)}\r\n`}\r\n${body}`,
  );

/** The one factory's answer: its status and JSON body, no-store, the security headers, nothing echoed. */
function assertFactoryAnswer(
  response: RawResponse,
  status: number,
  error: string,
  echoed: readonly string[],
) {
  assert.equal(response.status, status, response.body);
  assert.match(response.headers['content-type'] ?? '', /^application\/json/);
  assert.equal(JSON.parse(response.body).error, error);
  assert.equal(response.headers['cache-control'], 'no-store');
  assert.equal(response.headers['x-content-type-options'], 'nosniff');
  assert.equal(response.headers['x-frame-options'], 'DENY');
  assert.equal(response.headers['content-security-policy'], "default-src 'none'; frame-ancestors 'none'");
  assert.equal(response.headers['referrer-policy'], 'no-referrer');
  assert.doesNotMatch(response.body, /fastify|FST_|statusCode|Bad Request/i);
  for (const text of echoed) assert.ok(!response.body.includes(text), `the answer echoes ${text}`);
}

describe('framework-level errors go through the one error factory', () => {
  test('400: a malformed URL (GET /authorize%ZZ)', async () => {
    const response = await request('GET /authorize%ZZ?client_id=abc HTTP/1.1');
    assertFactoryAnswer(response, 400, 'invalid_request', ['%ZZ', 'authorize', 'abc']);
  });

  test('400: an unparsable request line, answered before any request object exists', async () => {
    const response = await rawRequest(port, 'NOT AN HTTP REQUEST\r\n\r\n');
    assertFactoryAnswer(response, 400, 'invalid_request', ['NOT AN']);
  });

  test('404: an unknown path, to an API client, as JSON without the path', async () => {
    const response = await request('GET /no/such/secret-path?code=abc HTTP/1.1\r\nAccept: application/json');
    assertFactoryAnswer(response, 404, 'not_found', ['secret-path', 'abc', 'GET']);
  });

  test("404: an unknown path, to a browser, as a page in the login pages' design", async () => {
    const response = await request('GET /no/such/secret-path HTTP/1.1\r\nAccept: text/html,*/*;q=0.8');
    assert.equal(response.status, 404);
    assert.match(response.headers['content-type'] ?? '', /^text\/html/);
    assert.match(response.body, /Page not found/);
    assert.match(response.headers['content-security-policy'] ?? '', /default-src 'none'/);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.ok(!response.body.includes('secret-path'));
  });

  test('413: a body over the limit', async () => {
    const body = `grant_type=client_credentials&x=${'a'.repeat(70_000)}`;
    const response = await request(
      'POST /token HTTP/1.1\r\nContent-Type: application/x-www-form-urlencoded',
      body,
    );
    assertFactoryAnswer(response, 413, 'request_too_large', ['aaaa']);
  });

  test('415: a body of a content type nothing parses', async () => {
    const response = await request('POST /token HTTP/1.1\r\nContent-Type: text/x-mystery', 'grant_type=x');
    assertFactoryAnswer(response, 415, 'unsupported_media_type', ['mystery']);
  });

  test('400: malformed JSON', async () => {
    const response = await request(
      'POST /token HTTP/1.1\r\nContent-Type: application/json',
      '{"grant_type":',
    );
    assertFactoryAnswer(response, 400, 'invalid_request', ['grant_type', 'JSON']);
  });

  test('431: request headers over the size limit, answered before any request object exists', async () => {
    const response = await request(`GET /jwks HTTP/1.1\r\nX-Padding: ${'p'.repeat(20_000)}`);
    assertFactoryAnswer(response, 431, 'invalid_request', ['ppp', 'jwks']);
  });
});
