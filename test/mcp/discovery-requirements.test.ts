/**
 * Each requirement the MCP authorization specification (2025-06-18, 2025-11-25) puts on an
 * authorization server's metadata, one test each, against a provider configured for agents (metadata
 * documents trusted, open registration) — and, where it matters, a provider whose issuer has a path,
 * which MCP clients find by RFC 8414 §3.1 path insertion.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { testProviderApp } from '../../packages/provider/test/helpers/fixtures.js';

type App = Awaited<ReturnType<typeof testProviderApp>>;
let agents: App;
let withPath: App;
let metadata: Record<string, unknown>;

const AGENT_SETTINGS = {
  clients: {
    metadataDocuments: [{ hosts: ['*'], scopes: ['mcp:tools'], resources: ['https://mcp.example/mcp'] }],
  },
  registration: { mode: 'open' as const, scopes: ['mcp:tools'], resources: ['https://mcp.example/mcp'] },
};

before(async () => {
  agents = await testProviderApp({ overrides: { issuer: 'http://localhost:8080', ...AGENT_SETTINGS } });
  withPath = await testProviderApp({
    overrides: { issuer: 'http://localhost:8080/tenant', ...AGENT_SETTINGS },
  });
  metadata = (await agents.app.inject('/.well-known/oauth-authorization-server')).json();
});
after(async () => {
  await agents.close();
  await withPath.close();
});

const list = (name: string) => (Array.isArray(metadata[name]) ? (metadata[name] as unknown[]) : []);

describe('MCP authorization: what the authorization server metadata must say', () => {
  test('RFC 8414 metadata and OpenID Discovery are both served, with the issuer (MCP: at least one)', async () => {
    const oidc = (await agents.app.inject('/.well-known/openid-configuration')).json();
    assert.equal(metadata['issuer'], 'http://localhost:8080');
    assert.deepEqual(oidc, metadata);
  });

  test('with an issuer path, RFC 8414 §3.1 path insertion and OIDC path appending both answer', async () => {
    const inserted = await withPath.app.inject('/.well-known/oauth-authorization-server/tenant');
    const appended = await withPath.app.inject('/tenant/.well-known/openid-configuration');
    assert.equal(inserted.statusCode, 200);
    assert.equal(appended.statusCode, 200);
    assert.equal(inserted.json().issuer, 'http://localhost:8080/tenant');
  });

  test('authorization_endpoint and token_endpoint are advertised', () => {
    assert.equal(metadata['authorization_endpoint'], 'http://localhost:8080/authorize');
    assert.equal(metadata['token_endpoint'], 'http://localhost:8080/token');
  });

  test('code_challenge_methods_supported is present and names S256 (MCP: clients refuse a server without it)', () => {
    assert.deepEqual(list('code_challenge_methods_supported'), ['S256']);
  });

  test('response_types_supported includes code', () => {
    assert.ok(list('response_types_supported').includes('code'));
  });

  test('grant_types_supported includes authorization_code and refresh_token', () => {
    for (const grant of ['authorization_code', 'refresh_token'])
      assert.ok(list('grant_types_supported').includes(grant));
  });

  test('token_endpoint_auth_methods_supported includes none (public agents) and private_key_jwt', () => {
    for (const method of ['none', 'private_key_jwt']) {
      assert.ok(list('token_endpoint_auth_methods_supported').includes(method), method);
    }
  });

  test('client_id_metadata_document_supported is true (MCP 2025-11-25: SHOULD support CIMD)', () => {
    assert.equal(metadata['client_id_metadata_document_supported'], true);
  });

  test('registration_endpoint is advertised (MCP: MAY support RFC 7591, for older clients)', () => {
    assert.equal(metadata['registration_endpoint'], 'http://localhost:8080/register');
  });

  test('authorization_response_iss_parameter_supported is true (RFC 9207)', () => {
    assert.equal(metadata['authorization_response_iss_parameter_supported'], true);
  });

  test('the registration endpoint answers at the advertised URL', async () => {
    const response = await agents.app.inject({
      method: 'POST',
      url: '/register',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        redirect_uris: ['http://127.0.0.1:9999/cb'],
        token_endpoint_auth_method: 'none',
      }),
    });
    assert.equal(response.statusCode, 201, response.body);
  });
});
