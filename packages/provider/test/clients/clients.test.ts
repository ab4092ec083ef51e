import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import {
  AdminError,
  type CreateClientInput,
  createClient,
  createUser,
  deleteClient,
  listClients,
  verifyClientSecret,
} from '@latchkey/provider';
import { sqliteStores } from '../helpers/fixtures.js';

const web: CreateClientInput = { name: 'Web app', redirectUris: ['https://app.example.com/callback'] };

describe('clients', () => {
  test('a confidential client gets a 256-bit secret, shown once and stored as its SHA-256 hash', async () => {
    const stores = await sqliteStores();
    const { client, secret } = await createClient(stores, web);
    assert.ok(secret);
    assert.equal(Buffer.from(secret, 'base64url').length, 32);
    assert.equal(client.secretHash, createHash('sha256').update(secret).digest('base64url'));
    const stored = await stores.clients.get(client.clientId);
    assert.equal(stored?.secretHash, client.secretHash);
    assert.ok(
      !JSON.stringify(await listClients(stores)).includes(secret),
      'the secret itself is never stored',
    );
    assert.equal(client.tokenEndpointAuthMethod, 'client_secret_basic');
    assert.deepEqual(client.grantTypes, ['authorization_code']);
  });

  test('client ids are random base64url of at least 128 bits', async () => {
    const stores = await sqliteStores();
    const ids = new Set<string>();
    for (let i = 0; i < 5; i++)
      ids.add((await createClient(stores, { ...web, name: `web ${i}` })).client.clientId);
    assert.equal(ids.size, 5);
    for (const id of ids) assert.ok(Buffer.from(id, 'base64url').length >= 16 && /^[\w-]+$/.test(id));
  });

  test('a public client has no secret and authenticates with none', async () => {
    const stores = await sqliteStores();
    const { client, secret } = await createClient(stores, { ...web, public: true });
    assert.equal(secret, null);
    assert.equal(client.secretHash, null);
    assert.equal(client.type, 'public');
    assert.equal(client.tokenEndpointAuthMethod, 'none');
  });

  test('C1: verifies a secret against its hash and refuses anything else, the same way for unknown clients', async () => {
    const stores = await sqliteStores();
    const { client, secret } = await createClient(stores, web);
    assert.equal(verifyClientSecret(client.secretHash, secret!), true);
    assert.equal(verifyClientSecret(client.secretHash, `${secret}x`), false);
    assert.equal(verifyClientSecret(client.secretHash, ''), false);
    assert.equal(verifyClientSecret(null, secret!), false);
    assert.equal(verifyClientSecret(undefined, secret!), false);
    assert.equal(verifyClientSecret('short', secret!), false);
  });

  test('C1: compares digests with timingSafeEqual', () => {
    const source = readFileSync(new URL('../../src/clients/secret.ts', import.meta.url), 'utf8');
    assert.match(source, /timingSafeEqual\(/);
    assert.doesNotMatch(source, /===\s*presented|presented\s*===/);
  });

  const invalid: { name: string; input: CreateClientInput; field: RegExp }[] = [
    { name: 'an empty name', input: { ...web, name: '' }, field: /^name$/ },
    {
      name: 'a relative redirect URI',
      input: { ...web, redirectUris: ['/callback'] },
      field: /redirectUris\[0\]/,
    },
    {
      name: 'a redirect URI with a fragment',
      input: { ...web, redirectUris: ['https://a.example/cb#x'] },
      field: /redirectUris\[0\]/,
    },
    {
      name: 'a plain-http redirect URI to a public host',
      input: { ...web, redirectUris: ['http://a.example/cb'] },
      field: /redirectUris\[0\]/,
    },
    {
      name: 'credentials in a redirect URI',
      input: { ...web, redirectUris: ['https://u:p@a.example/cb'] },
      field: /redirectUris\[0\]/,
    },
    {
      name: 'a javascript: redirect URI',
      input: { ...web, public: true, redirectUris: ['javascript:alert(1)'] },
      field: /redirectUris\[0\]/,
    },
    {
      name: 'a custom scheme for a confidential client',
      input: { ...web, redirectUris: ['com.example.app:/cb'] },
      field: /redirectUris\[0\]/,
    },
    { name: 'authorization_code without a redirect URI', input: { name: 'x' }, field: /^redirectUris$/ },
    { name: 'an unknown grant type', input: { ...web, grantTypes: ['password'] }, field: /grantTypes\[0\]/ },
    {
      name: 'a repeated grant type',
      input: { ...web, grantTypes: ['authorization_code', 'authorization_code'] },
      field: /grantTypes\[1\]/,
    },
    {
      name: 'client_credentials without a resource (its tokens would be for no API)',
      input: { name: 'svc', grantTypes: ['client_credentials'] },
      field: /^allowedResources$/,
    },
    {
      name: 'client_credentials for a public client',
      input: { ...web, public: true, grantTypes: ['client_credentials'] },
      field: /grantTypes\[0\]/,
    },
    {
      name: 'an unknown auth method',
      input: { ...web, tokenEndpointAuthMethod: 'tls_client_auth' as never },
      field: /tokenEndpointAuthMethod/,
    },
    {
      name: 'a public client with a secret method',
      input: { ...web, public: true, tokenEndpointAuthMethod: 'client_secret_post' },
      field: /tokenEndpointAuthMethod/,
    },
    {
      name: 'a confidential client with none',
      input: { ...web, tokenEndpointAuthMethod: 'none' },
      field: /tokenEndpointAuthMethod/,
    },
    {
      name: 'private_key_jwt without keys',
      input: { ...web, tokenEndpointAuthMethod: 'private_key_jwt' },
      field: /^jwks$/,
    },
    {
      name: 'a private key in the client jwks',
      input: {
        ...web,
        tokenEndpointAuthMethod: 'private_key_jwt',
        jwks: {
          keys: [
            {
              kty: 'EC',
              crv: 'P-256',
              x: 'MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4',
              y: '4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM',
              d: '870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE',
            },
          ],
        },
      },
      field: /jwks\.keys\[0\]/,
    },
    {
      name: 'an http jwks_uri',
      input: { ...web, tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'http://keys.example.com/jwks' },
      field: /jwksUri/,
    },
    { name: 'an invalid scope token', input: { ...web, scopes: ['open id'] }, field: /scopes\[0\]/ },
    {
      name: 'an HMAC ID token algorithm',
      input: { ...web, idTokenSignedResponseAlg: 'HS256' },
      field: /idTokenSignedResponseAlg/,
    },
    { name: 'a client id with a space', input: { ...web, clientId: 'my app' }, field: /clientId/ },
    {
      name: 'a resource with a fragment',
      input: { ...web, allowedResources: ['https://api.example.com#x'] },
      field: /allowedResources\[0\]/,
    },
  ];
  for (const c of invalid) {
    test(`refuses ${c.name}, naming the field`, async () => {
      const stores = await sqliteStores();
      await assert.rejects(createClient(stores, c.input), (error: unknown) => {
        assert.ok(error instanceof AdminError, String(error));
        assert.equal(error.code, 'ERR_INVALID_INPUT');
        assert.match(error.field ?? '', c.field);
        return true;
      });
      assert.equal((await listClients(stores)).length, 0, 'nothing was stored');
    });
  }

  const valid: { name: string; input: CreateClientInput }[] = [
    {
      name: 'a loopback http redirect URI',
      input: { ...web, redirectUris: ['http://127.0.0.1:3000/cb', 'http://localhost/cb'] },
    },
    {
      name: 'a reverse-domain scheme for a native app',
      input: { ...web, public: true, redirectUris: ['com.example.app:/oauth2redirect'] },
    },
    {
      name: 'client_credentials without a redirect URI',
      input: {
        name: 'svc',
        grantTypes: ['client_credentials'],
        allowedResources: ['https://api.example.com'],
      },
    },
    { name: 'client_secret_post', input: { ...web, tokenEndpointAuthMethod: 'client_secret_post' } },
    {
      name: 'private_key_jwt with a jwks_uri',
      input: { ...web, tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: 'https://app.example.com/jwks' },
    },
  ];
  for (const c of valid) {
    test(`accepts ${c.name}`, async () => {
      const stores = await sqliteStores();
      const { client, secret } = await createClient(stores, c.input);
      assert.ok(await stores.clients.get(client.clientId));
      assert.equal(
        secret === null,
        client.tokenEndpointAuthMethod === 'none' || client.tokenEndpointAuthMethod === 'private_key_jwt',
      );
    });
  }

  test('C6: refuses a client id equal to an existing user sub', async () => {
    const stores = await sqliteStores();
    const user = await createUser(stores, { username: 'alice' });
    await assert.rejects(createClient(stores, { ...web, clientId: user.id }), (error: unknown) => {
      assert.ok(error instanceof AdminError);
      assert.equal(error.code, 'ERR_CONFLICT');
      return true;
    });
  });

  test('refuses a taken client id', async () => {
    const stores = await sqliteStores();
    await createClient(stores, { ...web, clientId: 'my-app' });
    await assert.rejects(createClient(stores, { ...web, clientId: 'my-app' }), { code: 'ERR_CONFLICT' });
  });

  test('deletes a client, and says when there is none', async () => {
    const stores = await sqliteStores();
    const { client } = await createClient(stores, web);
    await deleteClient(stores, client.clientId);
    assert.equal(await stores.clients.get(client.clientId), undefined);
    await assert.rejects(deleteClient(stores, client.clientId), { code: 'ERR_NOT_FOUND' });
  });
});
