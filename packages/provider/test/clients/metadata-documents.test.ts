import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { exportJwk, generateKeyPair, signJwt } from '@latchkey/oidc';
import { createUser } from '@latchkey/provider';
import type { LightMyRequestResponse } from 'fastify';
import { createClientKeySets } from '../../src/client-auth/client-key-sets.js';
import { Browser, hiddenInput, PASSWORD, pkcePair, responseParams } from '../authorize/harness.js';
import { type DocumentServer, jsonDocument, startDocumentServer } from '../helpers/document-server.js';
import { testProviderApp } from '../helpers/fixtures.js';
import { testCertificates } from '../helpers/test-ca.js';

const MCP = 'https://mcp.example.com/mcp';
const REDIRECT = 'https://agent.example.com/callback';
const POLICY = { hosts: ['cimd.test'], scopes: ['openid', 'mcp:tools'], resources: [MCP] };

let docs: DocumentServer;
let p: Awaited<ReturnType<typeof testProviderApp>>;
/** The same provider with no address allowed: the default policy. */
let strict: Awaited<ReturnType<typeof testProviderApp>>;

/** `cimd.test` and `evil.test` exist only here, both on loopback. */
const resolve = async () => [{ address: '127.0.0.1', family: 4 }];

before(async () => {
  docs = await startDocumentServer();
  const hooks = { outbound: { resolve, ca: testCertificates().ca } };
  p = await testProviderApp({
    overrides: {
      clients: { metadataDocuments: [POLICY] },
      outbound: { allowedAddresses: ['127.0.0.1/32'] },
    },
    deps: hooks,
  });
  strict = await testProviderApp({
    overrides: { clients: { metadataDocuments: [{ ...POLICY, hosts: ['*'] }] } },
    deps: hooks,
  });
  await createUser(p.stores, { username: 'alice', password: PASSWORD });
});
after(async () => {
  await p.close();
  await strict.close();
  await docs.close();
});

/** Serves a document at `path` whose client_id is its own URL, with `fields` on top. */
function publish(path: string, fields: Record<string, unknown> = {}): string {
  const url = docs.url(path);
  docs.serve(
    path,
    jsonDocument({ client_id: url, client_name: 'Agent', redirect_uris: [REDIRECT], ...fields }),
  );
  return url;
}

function authorize(browser: Browser, clientId: string, overrides: Record<string, string> = {}) {
  const params = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    scope: 'mcp:tools',
    resource: MCP,
    state: 's-1',
    code_challenge: overrides['code_challenge'] ?? pkcePair().challenge,
    code_challenge_method: 'S256',
    ...overrides,
  });
  return browser.authorize(params);
}

async function signInAndConsent(browser: Browser, first: LightMyRequestResponse) {
  const login = await browser.loginForm(first);
  assert.ok(login, `a login page: ${first.statusCode} ${first.body.slice(0, 300)}`);
  const consent = await browser.consentForm(await browser.submitLogin(login, 'alice', PASSWORD));
  assert.ok(consent, 'a consent page');
  return consent;
}

function assertLocalErrorPage(response: LightMyRequestResponse, pattern: RegExp) {
  assert.equal(response.statusCode, 400, response.body.slice(0, 300));
  assert.equal(response.headers.location, undefined);
  assert.match(response.body, pattern);
}

describe('Client ID Metadata Documents', () => {
  test('discovery advertises client_id_metadata_document_supported only with a trust policy', async () => {
    const doc = (await p.app.inject('/.well-known/oauth-authorization-server')).json();
    assert.equal(doc.client_id_metadata_document_supported, true);
    const plain = await testProviderApp();
    try {
      const none = (await plain.app.inject('/.well-known/oauth-authorization-server')).json();
      assert.equal(none.client_id_metadata_document_supported, undefined);
    } finally {
      await plain.close();
    }
  });

  test('a client whose client_id is its document URL signs in, consents seeing its host, and gets a token for the policy resource', async () => {
    const clientId = publish('/agents/full.json', { grant_types: ['authorization_code', 'refresh_token'] });
    const browser = new Browser(p.app);
    const { verifier, challenge } = pkcePair();
    const consent = await signInAndConsent(
      browser,
      await authorize(browser, clientId, { code_challenge: challenge }),
    );
    assert.match(consent.body, new RegExp(`<strong class="client-host">cimd.test:${docs.port}</strong>`));
    assert.match(consent.body, /mcp\.example\.com/);
    assert.doesNotMatch(consent.body, /only returns to this computer/);
    const done = await browser.submitConsent(consent, 'approve');
    assert.equal(done.statusCode, 303, done.body);
    const code = responseParams(String(done.headers.location)).get('code');
    assert.ok(code);
    const token = await p.app.inject({
      method: 'POST',
      url: '/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT,
        code_verifier: verifier,
        client_id: clientId,
      }).toString(),
    });
    assert.equal(token.statusCode, 200, token.body);
    const body = token.json();
    assert.equal(body.id_token, undefined);
    assert.ok(body.refresh_token, 'refresh_token is among the document grant types');
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
    assert.equal(claims.aud, MCP);
    assert.equal(claims.client_id, clientId);
    assert.equal(claims.scope, 'mcp:tools');
  });

  test('M2: a document whose client_id differs from its URL is refused on a local page', async () => {
    const path = '/agents/other-id.json';
    docs.serve(
      path,
      jsonDocument({ client_id: docs.url('/agents/someone-else.json'), redirect_uris: [REDIRECT] }),
    );
    assertLocalErrorPage(
      await authorize(new Browser(p.app), docs.url(path)),
      /names another client_id than its URL/,
    );
  });

  test('M2: a redirect_uri not in the document is refused on a local page, never redirected', async () => {
    const clientId = publish('/agents/redirects.json');
    assertLocalErrorPage(
      await authorize(new Browser(p.app), clientId, { redirect_uri: 'https://agent.example.com/other' }),
      /redirect/i,
    );
  });

  test('M2: every redirect URI on localhost: the consent page warns that any local program could be this client', async () => {
    const local = 'http://127.0.0.1:33418/callback';
    const clientId = publish('/agents/local.json', { redirect_uris: [local, 'http://localhost:33418/cb'] });
    const browser = new Browser(p.app);
    const consent = await signInAndConsent(
      browser,
      await authorize(browser, clientId, { redirect_uri: local }),
    );
    assert.match(consent.body, /role="alert">This application only returns to this computer/);
  });

  test('M2: one redirect URI off localhost: no localhost warning', async () => {
    const local = 'http://127.0.0.1:33418/callback';
    const clientId = publish('/agents/mixed.json', { redirect_uris: [local, REDIRECT] });
    const browser = new Browser(p.app);
    const consent = await signInAndConsent(
      browser,
      await authorize(browser, clientId, { redirect_uri: local }),
    );
    assert.doesNotMatch(consent.body, /only returns to this computer/);
  });

  const invalid: [string, Record<string, unknown>, RegExp][] = [
    [
      'a shared-secret auth method',
      { token_endpoint_auth_method: 'client_secret_basic' },
      /none or private_key_jwt/,
    ],
    [
      'private_key_jwt without jwks_uri',
      { token_endpoint_auth_method: 'private_key_jwt' },
      /without a jwks_uri/,
    ],
    ['a client secret', { client_secret: 'shh' }, /client secret/],
    ['a javascript: redirect URI', { redirect_uris: ['javascript:alert(1)'] }, /not allowed/],
    ['no redirect URIs', { redirect_uris: [] }, /redirect_uris/],
    ['the client_credentials grant', { grant_types: ['client_credentials'] }, /grant types/],
  ];
  for (const [name, fields, pattern] of invalid) {
    test(`M2: a document with ${name} is refused`, async () => {
      const clientId = publish(`/agents/bad-${name.replace(/\W+/g, '-')}.json`, fields);
      assertLocalErrorPage(await authorize(new Browser(p.app), clientId), pattern);
    });
  }

  test('M2: a document that is not JSON is refused', async () => {
    docs.serve('/agents/html.json', jsonDocument('<html>'));
    assertLocalErrorPage(await authorize(new Browser(p.app), docs.url('/agents/html.json')), /not JSON/);
  });

  test('a host no trust policy names is not a client, and nothing is fetched', async () => {
    const path = '/agents/elsewhere.json';
    docs.serve(path, jsonDocument({ client_id: docs.url(path, 'evil.test'), redirect_uris: [REDIRECT] }));
    assertLocalErrorPage(
      await authorize(new Browser(p.app), docs.url(path, 'evil.test')),
      /does not name a registered client/,
    );
    assert.equal(docs.hits(path), 0);
  });

  test('an https URL without a path is not a metadata document URL', async () => {
    assertLocalErrorPage(
      await authorize(new Browser(p.app), `https://cimd.test:${docs.port}/`),
      /does not name a registered client/,
    );
  });

  test('M1: a document URL resolving to loopback is refused by default, before any request', async () => {
    const clientId = publish('/agents/strict.json');
    assertLocalErrorPage(await authorize(new Browser(strict.app), clientId), /not allowed/);
    assert.equal(docs.hits('/agents/strict.json'), 0);
  });

  test('M1: a document answering with a redirect is refused, the redirect not followed', async () => {
    docs.serve('/agents/moved.json', (_req, res) => {
      res.writeHead(302, { location: 'https://169.254.169.254/latest/meta-data/' });
      res.end();
    });
    assertLocalErrorPage(await authorize(new Browser(p.app), docs.url('/agents/moved.json')), /redirect/);
  });

  test('M1: an oversized document (over 5 KB) is refused', async () => {
    const clientId = publish('/agents/big.json', { padding: 'x'.repeat(6000) });
    assertLocalErrorPage(await authorize(new Browser(p.app), clientId), /more than 5120 bytes/);
  });

  test('the document is cached: a second authorization does not fetch it again', async () => {
    const clientId = publish('/agents/cached.json');
    await authorize(new Browser(p.app), clientId);
    await authorize(new Browser(p.app), clientId);
    assert.equal(docs.hits('/agents/cached.json'), 1);
  });

  test('consent to a metadata-document client is asked at every authorization', async () => {
    const clientId = publish('/agents/again.json');
    const browser = new Browser(p.app);
    const consent = await signInAndConsent(browser, await authorize(browser, clientId));
    assert.equal((await browser.submitConsent(consent, 'approve')).statusCode, 303);
    const second = await browser.consentForm(await authorize(browser, clientId));
    assert.ok(second, 'consent asked again');
    assert.ok(hiddenInput(second.body, 'interaction'));
  });

  describe('private_key_jwt clients, keys at their jwks_uri', () => {
    /** A document naming a jwks_uri on the document server, and an assertion signed with its key. */
    async function keyedClient(path: string) {
      const { privateKey, publicKey } = await generateKeyPair('ES256', { kid: 'agent-key' });
      docs.serve(`${path}.jwks`, jsonDocument({ keys: [exportJwk(publicKey)] }));
      const clientId = publish(`${path}.json`, {
        token_endpoint_auth_method: 'private_key_jwt',
        jwks_uri: docs.url(`${path}.jwks`),
      });
      const assertion = (app: typeof p) =>
        signJwt(
          {
            iss: clientId,
            sub: clientId,
            aud: app.config.issuer,
            iat: app.clock.now(),
            exp: app.clock.now() + 60,
            jti: randomBytes(16).toString('base64url'),
          },
          privateKey,
        );
      const token = (app: typeof p) =>
        app.app.inject({
          method: 'POST',
          url: '/token',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({
            grant_type: 'authorization_code',
            code: 'not-a-code',
            redirect_uri: REDIRECT,
            code_verifier: 'v'.repeat(43),
            client_id: clientId,
            client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
            client_assertion: assertion(app),
          }).toString(),
        });
      return { path, token };
    }

    test('the client authenticates with the key its document points at, fetched through the guarded fetcher', async () => {
      const client = await keyedClient('/agents/keyed');
      const response = await client.token(p);
      // Authenticated: the grant is what fails (the code is made up), not the client.
      assert.equal(response.json().error, 'invalid_grant', response.body);
      assert.equal(docs.hits('/agents/keyed.jwks'), 1);
    });

    test('M1: the jwks_uri of a metadata-document client is fetched by the guarded fetcher, an operator client by the plain one', async () => {
      const used: string[] = [];
      const fake =
        (name: string): typeof fetch =>
        async () => {
          used.push(name);
          return Response.json({ keys: [] });
        };
      const keySets = createClientKeySets({
        algorithms: ['ES256'],
        nowMs: () => 0,
        fetch: fake('plain'),
        guardedFetch: fake('guarded'),
      });
      const base = { jwks: null, jwksUri: 'https://keys.example/jwks' };
      const resolve = (client: Parameters<typeof keySets.forClient>[0]) =>
        Promise.resolve()
          .then(() => keySets.forClient(client)!.resolve({ alg: 'ES256', kid: 'x' }))
          .catch(() => undefined);
      await resolve({ ...base, clientId: 'a', origin: 'metadata-document' });
      await resolve({ ...base, clientId: 'b' });
      assert.deepEqual(used, ['guarded', 'plain']);
    });
  });
});
