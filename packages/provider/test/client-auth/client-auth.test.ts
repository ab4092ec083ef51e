import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  authenticateClient,
  CLIENT_AUTH_METHODS,
  type ClientAuthMethod,
  decodeBasicCredentials,
} from '../../src/client-auth/index.js';
import { hashClientSecret } from '../../src/clients/index.js';
import { InvalidClient, InvalidRequest } from '../../src/errors/index.js';
import { RequestParams } from '../../src/lib/request-params.js';
import type { ClientRecord } from '../../src/store/types.js';

const basic = (raw: string) => `Basic ${Buffer.from(raw).toString('base64')}`;

describe('C2: Basic credentials are base64, then form-urlencoded (RFC 6749 §2.3.1)', () => {
  const cases: [string, string, string, string][] = [
    ['plain values', 'web:s3cret', 'web', 's3cret'],
    ['%3A in the secret is a colon', 'web:a%3Ab', 'web', 'a:b'],
    ['+ in the secret is a space', 'web:a+b', 'web', 'a b'],
    ['%2B in the secret is a plus', 'web:a%2Bb', 'web', 'a+b'],
    ['a raw colon after the first one stays in the secret', 'web:a:b', 'web', 'a:b'],
    ['%3A in the client id', 'my%3Aapp:x', 'my:app', 'x'],
    ['UTF-8 percent-encoded', 'web:%C3%A9', 'web', 'é'],
    ['an empty secret', 'web:', 'web', ''],
  ];
  for (const [name, raw, clientId, secret] of cases) {
    test(`decodes ${name}`, () => {
      assert.deepEqual(decodeBasicCredentials(basic(raw)), { clientId, secret });
    });
  }
  test('the scheme name is case-insensitive', () => {
    assert.equal(decodeBasicCredentials(`bAsIc ${Buffer.from('a:b').toString('base64')}`).clientId, 'a');
  });

  const malformed: [string, string][] = [
    ['no colon', basic('web')],
    ['an empty client id', basic(':secret')],
    ['bad percent-encoding', basic('web:%zz')],
    ['not base64', 'Basic !!!!'],
    ['base64 of the wrong length', 'Basic YWI6Y'],
    ['invalid UTF-8', `Basic ${Buffer.from([0x77, 0x3a, 0xff]).toString('base64')}`],
    ['no credentials', 'Basic'],
  ];
  for (const [name, header] of malformed) {
    test(`refuses ${name} with invalid_client`, () => {
      assert.throws(() => decodeBasicCredentials(header), InvalidClient);
    });
  }
});

const SECRET = 'a:b c+d';
const client = (fields: Partial<ClientRecord>): ClientRecord =>
  ({
    clientId: 'web',
    type: 'confidential',
    secretHash: hashClientSecret(SECRET),
    tokenEndpointAuthMethod: 'client_secret_basic',
    ...fields,
  }) as ClientRecord;

const store = (clients: ClientRecord[]) => ({
  get: async (id: string) => clients.find((c) => c.clientId === id),
});

const request = (authorization: string | undefined, form: Record<string, string>) => ({
  authorization,
  params: RequestParams.fromForm(new URLSearchParams(form).toString()),
});
const encoded = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret).replace(/%20/g, '+')}`).toString('base64')}`;

describe('authenticateClient', () => {
  test('C2: a secret with %3A and + sent through Basic authenticates', async () => {
    const found = await authenticateClient(
      request(encoded('web', SECRET), {}),
      store([client({})]),
      CLIENT_AUTH_METHODS,
    );
    assert.equal(found.clientId, 'web');
  });

  test('C2: two methods with credentials in one request are invalid_request', async () => {
    await assert.rejects(
      authenticateClient(
        request(encoded('web', SECRET), { client_id: 'web', client_secret: SECRET }),
        store([client({})]),
        CLIENT_AUTH_METHODS,
      ),
      InvalidRequest,
    );
  });

  test('C1: an unknown client and a wrong secret take the same path: the secret is checked, the same error is thrown', async () => {
    const calls: (ClientRecord | undefined)[] = [];
    const spying: ClientAuthMethod[] = CLIENT_AUTH_METHODS.map((m) =>
      m.method === 'client_secret_basic'
        ? {
            ...m,
            verify: (
              c: ClientRecord | undefined,
              creds: Parameters<NonNullable<ClientAuthMethod['verify']>>[1],
            ) => {
              calls.push(c);
              return m.verify!(c, creds);
            },
          }
        : m,
    );
    const clients = store([client({})]);
    const unknown = await authenticateClient(request(encoded('nobody', SECRET), {}), clients, spying).catch(
      (e) => e,
    );
    const wrong = await authenticateClient(request(encoded('web', 'wrong'), {}), clients, spying).catch(
      (e) => e,
    );
    assert.equal(calls.length, 2, 'the secret is verified for the unknown client too');
    assert.equal(calls[0], undefined);
    for (const error of [unknown, wrong]) {
      assert.ok(error instanceof InvalidClient);
      assert.equal(error.description, 'Client authentication failed');
    }
  });

  test('C1: a client id longer than any registered one is unknown without a lookup, after the same secret check', async () => {
    let lookups = 0;
    const clients = {
      get: async () => {
        lookups++;
        return undefined;
      },
    };
    await assert.rejects(
      authenticateClient(request(encoded('x'.repeat(300), SECRET), {}), clients, CLIENT_AUTH_METHODS),
      InvalidClient,
    );
    assert.equal(lookups, 0);
  });

  const refusals: [
    string,
    ReturnType<typeof request>,
    ClientRecord,
    typeof InvalidClient | typeof InvalidRequest,
  ][] = [
    ['nothing at all', request(undefined, {}), client({}), InvalidClient],
    [
      'a registered-Basic client using client_secret_post',
      request(undefined, { client_id: 'web', client_secret: SECRET }),
      client({}),
      InvalidClient,
    ],
    [
      'a confidential client sending only its id',
      request(undefined, { client_id: 'web' }),
      client({}),
      InvalidClient,
    ],
    [
      'private_key_jwt (not implemented yet)',
      request(undefined, { client_id: 'web', client_assertion: 'x.y.z' }),
      client({ tokenEndpointAuthMethod: 'private_key_jwt' }),
      InvalidClient,
    ],
    [
      'a body client_id naming another client than Basic',
      request(encoded('web', SECRET), { client_id: 'other' }),
      client({}),
      InvalidRequest,
    ],
    [
      'a secret for a public client',
      request(undefined, { client_id: 'web', client_secret: 'x' }),
      client({ type: 'public', secretHash: null, tokenEndpointAuthMethod: 'none' }),
      InvalidClient,
    ],
  ];
  for (const [name, req, registered, error] of refusals) {
    test(`refuses ${name}`, async () => {
      await assert.rejects(authenticateClient(req, store([registered]), CLIENT_AUTH_METHODS), error);
    });
  }

  test('a public client registered for none is authenticated by its client_id', async () => {
    const spa = client({
      clientId: 'spa',
      type: 'public',
      secretHash: null,
      tokenEndpointAuthMethod: 'none',
    });
    const found = await authenticateClient(
      request(undefined, { client_id: 'spa' }),
      store([spa]),
      CLIENT_AUTH_METHODS,
    );
    assert.equal(found.clientId, 'spa');
  });
});
