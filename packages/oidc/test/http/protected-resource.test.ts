// The protected-resource helper (RFC 9728 metadata + challenges) on every adapter, with real tokens.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { serve } from '@hono/node-server';
import {
  bearerAuth,
  createProtectedResource,
  type JwtClaims,
  type ProtectedResource,
  protectedResourceMetadata,
} from '@latchkey/oidc';
import { expressBearerAuth, expressProtectedResource } from '@latchkey/oidc/express';
import { fastifyBearerAuth, fastifyProtectedResource } from '@latchkey/oidc/fastify';
import { honoBearerAuth, honoProtectedResource } from '@latchkey/oidc/hono';
import express from 'express';
import Fastify from 'fastify';
import { Hono } from 'hono';
import { AUDIENCE, ISSUER, type Issuer, testIssuer } from './fixtures.js';
import { ADAPTERS, type AdapterName, send } from './servers.js';

// The fixtures' verifier accepts tokens for AUDIENCE: this resource.
const RESOURCE = AUDIENCE;
const METADATA_URL = `${RESOURCE}/.well-known/oauth-protected-resource`;

let issuer: Issuer;
let mcp: ProtectedResource;
before(async () => {
  issuer = await testIssuer();
  mcp = createProtectedResource({
    resource: RESOURCE,
    authorizationServers: [ISSUER],
    scopesSupported: ['mcp:tools', 'mcp:admin'],
    resourceName: 'Test MCP server',
    verifier: issuer.verifiers.good,
  });
});

/** GET /tools needs mcp:tools; GET /admin needs mcp:tools and mcp:admin (the step-up). */
async function start(adapter: AdapterName): Promise<{ origin: string; close(): Promise<void> }> {
  const reply = (claims: JwtClaims | undefined) => JSON.stringify({ sub: claims?.sub });
  const toolsScopes = ['mcp:tools'];
  const adminScopes = ['mcp:tools', 'mcp:admin'];
  switch (adapter) {
    case 'node': {
      const metadata = protectedResourceMetadata(mcp);
      const tools = bearerAuth(mcp.bearer(toolsScopes));
      const admin = bearerAuth(mcp.bearer(adminScopes));
      return listening(
        createServer(async (req, res) => {
          if (metadata(req, res)) return;
          const claims = await (req.url === '/admin' ? admin : tools)(req, res);
          if (claims !== undefined) res.end(reply(claims));
        }),
      );
    }
    case 'express': {
      const app = express();
      app.use(expressProtectedResource(mcp));
      app.get(
        '/tools',
        expressBearerAuth(mcp.bearer(toolsScopes)),
        (req, res) => void res.send(reply(req.auth)),
      );
      app.get(
        '/admin',
        expressBearerAuth(mcp.bearer(adminScopes)),
        (req, res) => void res.send(reply(req.auth)),
      );
      return listening(createServer(app));
    }
    case 'fastify': {
      const app = Fastify();
      fastifyProtectedResource(app, mcp);
      app.get('/tools', { preHandler: fastifyBearerAuth(mcp.bearer(toolsScopes)) }, async (r) =>
        reply(r.auth),
      );
      app.get('/admin', { preHandler: fastifyBearerAuth(mcp.bearer(adminScopes)) }, async (r) =>
        reply(r.auth),
      );
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as AddressInfo;
      return { origin: `http://127.0.0.1:${port}`, close: () => app.close() };
    }
    case 'hono': {
      const app = new Hono();
      app.use(honoProtectedResource(mcp));
      app.use('/tools', honoBearerAuth(mcp.bearer(toolsScopes)));
      app.use('/admin', honoBearerAuth(mcp.bearer(adminScopes)));
      app.get('/tools', (c) => c.body(reply(c.get('auth'))));
      app.get('/admin', (c) => c.body(reply(c.get('auth'))));
      return listening(serve({ fetch: app.fetch, hostname: '127.0.0.1', port: 0 }) as Server);
    }
  }
}

async function listening(server: Server) {
  if (!server.listening) await once(server.listen(0, '127.0.0.1'), 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

for (const adapter of ADAPTERS) {
  describe(`protected resource on ${adapter}`, () => {
    let server: Awaited<ReturnType<typeof start>>;
    before(async () => {
      server = await start(adapter);
    });
    after(() => server.close());

    test('serves the RFC 9728 metadata at the well-known path', async () => {
      const response = await send(server.origin, { path: '/.well-known/oauth-protected-resource' });
      assert.equal(response.status, 200);
      assert.match(String(response.headers['content-type']), /^application\/json/);
      assert.deepEqual(JSON.parse(response.text), {
        resource: RESOURCE,
        authorization_servers: [ISSUER],
        bearer_methods_supported: ['header'],
        scopes_supported: ['mcp:tools', 'mcp:admin'],
        resource_name: 'Test MCP server',
      });
    });

    test('a request without a token gets 401 naming the route scopes and pointing at the metadata', async () => {
      const response = await send(server.origin, { path: '/tools' });
      assert.equal(response.status, 401);
      assert.equal(
        response.headers['www-authenticate'],
        `Bearer scope="mcp:tools", resource_metadata="${METADATA_URL}"`,
      );
    });

    test('a token with the scope reaches the handler', async () => {
      const response = await send(server.origin, {
        path: '/tools',
        headers: bearer(issuer.accessToken({ scope: 'mcp:tools' })),
      });
      assert.equal(response.status, 200, response.text);
      assert.deepEqual(JSON.parse(response.text), { sub: 'alice' });
    });

    test('a token lacking a scope gets 403 insufficient_scope naming every scope the route needs (step-up)', async () => {
      const response = await send(server.origin, {
        path: '/admin',
        headers: bearer(issuer.accessToken({ scope: 'mcp:tools' })),
      });
      assert.equal(response.status, 403);
      const challenge = String(response.headers['www-authenticate']);
      assert.match(challenge, /error="insufficient_scope"/);
      assert.match(challenge, /scope="mcp:tools mcp:admin"/);
      assert.match(challenge, new RegExp(`resource_metadata="${METADATA_URL}"`));
    });

    test('M4: a token issued for another resource is refused with 401 invalid_token', async () => {
      const response = await send(server.origin, {
        path: '/tools',
        headers: bearer(issuer.accessToken({ scope: 'mcp:tools', aud: 'https://other.example.test' })),
      });
      assert.equal(response.status, 401);
      assert.match(String(response.headers['www-authenticate']), /error="invalid_token"/);
    });
  });
}

describe('createProtectedResource', () => {
  test('M4: even a verifier that ignores the audience cannot let a token for another resource through', async () => {
    const lax = {
      verify: async (token: string) =>
        JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as JwtClaims,
    };
    const resource = createProtectedResource({
      resource: RESOURCE,
      authorizationServers: [ISSUER],
      verifier: lax,
    });
    const { verifier } = resource.bearer();
    await assert.rejects(verifier.verify(issuer.accessToken({ aud: 'https://other.example.test' })), {
      code: 'ERR_JWT_CLAIM_INVALID',
    });
    await assert.rejects(verifier.verify(issuer.accessToken({ aud: undefined })), {
      code: 'ERR_JWT_CLAIM_INVALID',
    });
    assert.equal((await verifier.verify(issuer.accessToken({ aud: [RESOURCE, 'x'] }))).sub, 'alice');
  });

  test('the metadata path inserts the well-known prefix before the resource path (RFC 9728 §3.1)', () => {
    const resource = createProtectedResource({
      resource: 'https://mcp.example.com/tenant/mcp',
      authorizationServers: [ISSUER],
      verifier: issuer.verifiers.good,
    });
    assert.equal(resource.metadataPath, '/.well-known/oauth-protected-resource/tenant/mcp');
    assert.equal(
      resource.metadataUrl,
      'https://mcp.example.com/.well-known/oauth-protected-resource/tenant/mcp',
    );
    assert.equal(resource.metadataResponse('POST', resource.metadataPath), undefined);
    assert.equal(resource.metadataResponse('GET', '/.well-known/oauth-protected-resource'), undefined);
  });

  const bad: [string, Record<string, unknown>][] = [
    ['an http resource off loopback', { resource: 'http://mcp.example.com/mcp' }],
    ['a resource with a fragment', { resource: 'https://mcp.example.com/mcp#x' }],
    ['a resource with a query', { resource: 'https://mcp.example.com/mcp?x=1' }],
    ['no authorization server', { authorizationServers: [] }],
    ['a bad scope', { scopesSupported: ['a b'] }],
  ];
  for (const [name, overrides] of bad) {
    test(`refuses ${name} with a TypeError`, () => {
      assert.throws(
        () =>
          createProtectedResource({
            resource: RESOURCE,
            authorizationServers: [ISSUER],
            verifier: issuer.verifiers.good,
            ...overrides,
          } as never),
        TypeError,
      );
    });
  }
});
