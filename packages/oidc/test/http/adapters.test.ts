// Every adapter (node:http, Express, Fastify, Hono) against the same table of requests, on real
// servers with real signed tokens.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type Issuer, NOW, SECRET_DETAIL, testIssuer } from './fixtures.js';
import {
  ADAPTERS,
  type AdapterName,
  MFA_ACR,
  RESOURCE_METADATA,
  type RunningServer,
  type Sent,
  send,
  startServer,
} from './servers.js';

interface Case {
  readonly name: string;
  readonly request: (issuer: Issuer) => Sent;
  /** One status for all adapters, or one per adapter where they legitimately differ. */
  readonly status: number | Readonly<Record<AdapterName, number>>;
  /** The `error` of the challenge and body; `null` for a challenge without one (RFC 6750 §3.1). */
  readonly error?: string | null;
  readonly check?: (body: Record<string, unknown>, headers: Record<string, unknown>) => void;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const form = { 'content-type': 'application/x-www-form-urlencoded' };

const CASES: readonly Case[] = [
  {
    name: 'a valid access token reaches the handler, which reads its claims',
    request: (i) => ({ path: '/me', headers: bearer(i.accessToken()) }),
    status: 200,
    check: (body) => assert.deepEqual(body, { sub: 'alice', scope: 'read write' }),
  },
  {
    name: 'the Bearer scheme name is case-insensitive',
    request: (i) => ({ path: '/me', headers: { authorization: `bEARER ${i.accessToken()}` } }),
    status: 200,
  },
  {
    name: 'a request without a token gets a 401 challenge without an error code',
    request: () => ({ path: '/me' }),
    status: 401,
    error: null,
    check: (body) => assert.match(String(body['error_description']), /Authorization header/),
  },
  {
    name: 'credentials of another scheme get a 401 challenge without an error code',
    request: () => ({ path: '/me', headers: { authorization: 'Basic YWxpY2U6c2VjcmV0' } }),
    status: 401,
    error: null,
  },
  {
    name: 'a token that is not a JWS gets 401 invalid_token',
    request: () => ({ path: '/me', headers: bearer('not.a.jws') }),
    status: 401,
    error: 'invalid_token',
  },
  {
    name: 'an expired token gets 401 invalid_token saying it expired',
    request: (i) => ({ path: '/me', headers: bearer(i.accessToken({ iat: NOW - 600, exp: NOW - 60 })) }),
    status: 401,
    error: 'invalid_token',
    check: (body) => assert.match(String(body['error_description']), /expired/),
  },
  {
    name: 'a token with a changed payload gets 401 invalid_token',
    request: (i) => {
      const [header, , signature] = i.accessToken().split('.');
      const payload = Buffer.from(JSON.stringify({ sub: 'mallory', exp: NOW + 60 })).toString('base64url');
      return { path: '/me', headers: bearer(`${header}.${payload}.${signature}`) };
    },
    status: 401,
    error: 'invalid_token',
  },
  {
    name: 'a token signed with a key the key set does not hold gets 401 invalid_token',
    request: (i) => ({ path: '/me', headers: bearer(i.accessToken({}, { kid: 'unknown' })) }),
    status: 401,
    error: 'invalid_token',
  },
  {
    name: 'J21: an ID token (typ JWT) presented as a bearer token is rejected when typ at+jwt is required',
    // An ID token whose audience is this API, so only its type tells it apart.
    request: (i) => ({
      path: '/me',
      headers: bearer(i.accessToken({ nonce: 'n', auth_time: NOW - 20 }, { typ: 'JWT' })),
    }),
    status: 401,
    error: 'invalid_token',
    check: (body) => assert.match(String(body['error_description']), /typ/),
  },
  {
    name: 'J21: a token without typ presented as a bearer token is rejected when typ at+jwt is required',
    request: (i) => ({ path: '/me', headers: bearer(i.accessToken({}, { typ: undefined })) }),
    status: 401,
    error: 'invalid_token',
    check: (body) => assert.match(String(body['error_description']), /typ/),
  },
  {
    name: 'a token without the required scope gets 403 insufficient_scope naming the scope',
    request: (i) => ({ path: '/admin', headers: bearer(i.accessToken({ scope: 'read administer' })) }),
    status: 403,
    error: 'insufficient_scope',
    check: (_body, headers) => assert.match(String(headers['www-authenticate']), /, scope="admin"/),
  },
  {
    name: 'a token with the required scope among others passes',
    request: (i) => ({ path: '/admin', headers: bearer(i.accessToken({ scope: 'read admin' })) }),
    status: 200,
  },
  {
    name: 'a token the claims predicate refuses gets 403 insufficient_scope',
    request: (i) => ({ path: '/tenant', headers: bearer(i.accessToken({ tenant: 'b' })) }),
    status: 403,
    error: 'insufficient_scope',
  },
  {
    name: 'a token the claims predicate accepts passes',
    request: (i) => ({ path: '/tenant', headers: bearer(i.accessToken({ tenant: 'a' })) }),
    status: 200,
  },
  {
    name: 'two Authorization headers get 400 invalid_request',
    request: (i) => ({
      path: '/me',
      headers: { authorization: [`Bearer ${i.accessToken()}`, 'Bearer other'] },
    }),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'the same token in two Authorization headers gets 400 invalid_request',
    request: (i) => {
      const token = i.accessToken();
      return { path: '/me', headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] } };
    },
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'a token in the header and in the query string gets 400 invalid_request',
    request: (i) => {
      const token = i.accessToken();
      return { path: `/me?access_token=${token}`, headers: bearer(token) };
    },
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'a token only in the query string gets 400 invalid_request naming the Authorization header',
    request: (i) => ({ path: `/me?x=1&access_token=${i.accessToken()}` }),
    status: 400,
    error: 'invalid_request',
    check: (body) => assert.match(String(body['error_description']), /query string.*Authorization header/),
  },
  {
    name: 'a Bearer header with two tokens gets 400 invalid_request',
    request: (i) => ({ path: '/me', headers: bearer(`${i.accessToken()} second`) }),
    status: 400,
    error: 'invalid_request',
  },
  {
    name: 'a Bearer header without a token gets 400 invalid_request',
    request: () => ({ path: '/me', headers: { authorization: 'Bearer' } }),
    status: 400,
    error: 'invalid_request',
  },
  {
    // Only where the framework parsed the form body before the middleware (see bearer.ts).
    name: 'a token in the header and the form body gets 400 where the framework parsed the body',
    request: (i) => {
      const token = i.accessToken();
      return {
        method: 'POST',
        path: '/me',
        headers: { ...bearer(token), ...form },
        body: `access_token=${token}`,
      };
    },
    status: { node: 200, express: 400, fastify: 400, hono: 200 },
  },
  {
    name: 'a token only in the form body is not a credential: 400 where parsed, else a 401 challenge',
    request: (i) => ({ method: 'POST', path: '/me', headers: form, body: `access_token=${i.accessToken()}` }),
    status: { node: 401, express: 400, fastify: 400, hono: 401 },
  },
  {
    name: 'RFC 9470: a token whose acr is not the required one gets 401 insufficient_user_authentication with acr_values and max_age',
    request: (i) => ({
      path: '/mfa',
      headers: bearer(i.accessToken({ acr: 'urn:latchkey:acr:pwd', auth_time: NOW - 10 })),
    }),
    status: 401,
    error: 'insufficient_user_authentication',
    check: (_body, headers) => {
      const challenge = String(headers['www-authenticate']);
      assert.match(challenge, new RegExp(`acr_values="${MFA_ACR}", max_age="300"`));
    },
  },
  {
    name: 'RFC 9470: a token with the required acr but an authentication older than max_age gets the step-up challenge',
    request: (i) => ({
      path: '/mfa',
      headers: bearer(i.accessToken({ acr: MFA_ACR, auth_time: NOW - 301 })),
    }),
    status: 401,
    error: 'insufficient_user_authentication',
  },
  {
    name: 'RFC 9470: a token without auth_time gets the step-up challenge when max_age is required',
    request: (i) => ({ path: '/mfa', headers: bearer(i.accessToken({ acr: MFA_ACR })) }),
    status: 401,
    error: 'insufficient_user_authentication',
  },
  {
    name: 'RFC 9470: a token with the required acr and a recent authentication reaches the handler',
    request: (i) => ({
      path: '/mfa',
      headers: bearer(i.accessToken({ acr: MFA_ACR, auth_time: NOW - 300 })),
    }),
    status: 200,
  },
  {
    name: 'a key set that cannot be fetched gets 503 with Retry-After, not invalid_token',
    request: (i) => ({ path: '/down', headers: bearer(i.accessToken()) }),
    status: 503,
    check: (body, headers) => {
      assert.equal(body['error'], 'temporarily_unavailable');
      assert.equal(headers['retry-after'], '10');
      assert.equal(headers['www-authenticate'], undefined);
      assert.doesNotMatch(JSON.stringify(body), /502|id\.example/);
    },
  },
  {
    name: 'a key set fetch that times out gets 503 with Retry-After',
    request: (i) => ({ path: '/slow', headers: bearer(i.accessToken()) }),
    status: 503,
    check: (_body, headers) => assert.equal(headers['retry-after'], '10'),
  },
  {
    name: 'an unexpected error gets a 500 without details',
    request: (i) => ({ path: '/crash', headers: bearer(i.accessToken()) }),
    status: 500,
    check: (body, headers) => {
      assert.deepEqual(body, { error: 'server_error' });
      assert.equal(headers['www-authenticate'], undefined);
      assert.doesNotMatch(JSON.stringify(headers), new RegExp(SECRET_DETAIL));
    },
  },
];

function tokensIn(sent: Sent): string[] {
  const text = `${sent.path} ${JSON.stringify(sent.headers ?? {})} ${sent.body ?? ''}`;
  return [...text.matchAll(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g)].map((match) => match[0]);
}

for (const adapter of ADAPTERS) {
  describe(`the ${adapter} adapter`, () => {
    let server: RunningServer;
    let issuer: Issuer;
    before(async () => {
      issuer = await testIssuer();
      server = await startServer(adapter, issuer.verifiers);
    });
    after(() => server.close());

    for (const c of CASES) {
      test(c.name, async () => {
        const sent = c.request(issuer);
        const handledBefore = server.handled();
        const received = await send(server.origin, sent);
        const expected = typeof c.status === 'number' ? c.status : c.status[adapter];
        assert.equal(received.status, expected, received.text);
        // The route handler runs exactly when authentication succeeds.
        assert.equal(server.handled() - handledBefore, expected === 200 ? 1 : 0);
        const body = JSON.parse(received.text) as Record<string, unknown>;
        const headers = received.headers as Record<string, unknown>;

        // The token never comes back, in any header or the body, whatever the outcome.
        const echo = JSON.stringify(headers) + received.text;
        for (const token of tokensIn(sent)) {
          for (const segment of [token, ...token.split('.')]) assert.equal(echo.includes(segment), false);
        }
        if (expected !== 200) {
          assert.equal(headers['cache-control'], 'no-store');
          assert.match(String(headers['content-type']), /^application\/json/);
        }
        if (expected >= 400 && expected < 500) {
          const challenge = String(headers['www-authenticate']);
          assert.ok(challenge.startsWith('Bearer realm="api"'), challenge);
          assert.ok(challenge.endsWith(`resource_metadata="${RESOURCE_METADATA}"`), challenge);
          if (c.error === null) {
            assert.doesNotMatch(challenge, /error=/);
            assert.equal(body['error'], undefined);
          } else if (c.error !== undefined) {
            assert.match(challenge, new RegExp(`, error="${c.error}", error_description="[^"]+"`));
            assert.equal(body['error'], c.error);
            assert.equal(typeof body['error_description'], 'string');
          }
        }
        c.check?.(body, headers);
      });
    }
  });
}
