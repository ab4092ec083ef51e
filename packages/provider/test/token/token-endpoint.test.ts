import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { basicAuth, REDIRECT_URI, type SignInFixture, signInFixture } from './sign-in-fixture.js';

let f: SignInFixture;
before(async () => {
  f = await signInFixture();
});
after(() => f.close());

const redeem = async (
  overrides: Record<string, string | undefined> = {},
  headers?: Record<string, string>,
) => {
  const issued = await f.issueCode();
  const form: Record<string, string> = {};
  const base = {
    grant_type: 'authorization_code',
    code: issued.code,
    redirect_uri: REDIRECT_URI,
    code_verifier: issued.verifier,
    ...overrides,
  };
  for (const [name, value] of Object.entries(base)) if (value !== undefined) form[name] = value;
  return f.token(form, headers ?? { authorization: basicAuth('web', f.secrets.web) });
};

describe('POST /token', () => {
  test('exchanges a code for a Bearer access token and an ID token, never cached', async () => {
    const response = await redeem();
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    assert.equal(response.headers.pragma, 'no-cache');
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), [
      'access_token',
      'expires_in',
      'id_token',
      'scope',
      'token_type',
    ]);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, 600);
    assert.equal(body.scope, 'openid');
  });

  test('client_secret_post authenticates a client registered for it (oidcc-server-client-secret-post)', async () => {
    const issued = await f.issueCode({ clientId: 'post' });
    const response = await f.token({
      grant_type: 'authorization_code',
      code: issued.code,
      redirect_uri: REDIRECT_URI,
      code_verifier: issued.verifier,
      client_id: 'post',
      client_secret: f.secrets.post,
    });
    assert.equal(response.statusCode, 200, response.body);
  });

  test('a public client authenticates with its client_id alone and PKCE', async () => {
    const issued = await f.issueCode({ clientId: 'spa' });
    const response = await f.token({
      grant_type: 'authorization_code',
      code: issued.code,
      redirect_uri: REDIRECT_URI,
      code_verifier: issued.verifier,
      client_id: 'spa',
    });
    assert.equal(response.statusCode, 200, response.body);
  });

  const refusals: [
    string,
    () => Promise<{ statusCode: number; json(): { error: string } }>,
    number,
    string,
  ][] = [
    [
      'a JSON body',
      () => f.app.inject({ method: 'POST', url: '/token', payload: { grant_type: 'authorization_code' } }),
      400,
      'invalid_request',
    ],
    ['no grant_type', () => redeem({ grant_type: undefined }), 400, 'invalid_request'],
    ['an unknown grant_type', () => redeem({ grant_type: 'password' }), 400, 'unsupported_grant_type'],
    [
      'a grant type the provider does not implement',
      () => redeem({ grant_type: 'urn:ietf:params:oauth:grant-type:saml2-bearer' }),
      400,
      'unsupported_grant_type',
    ],
    ['no client authentication', () => redeem({}, {}), 401, 'invalid_client'],
    [
      'a client using a method other than its registered one',
      () => redeem({ client_id: 'web', client_secret: f.secrets.web }, {}),
      401,
      'invalid_client',
    ],
    [
      'a confidential client sending only its client_id',
      () => redeem({ client_id: 'web' }, {}),
      401,
      'invalid_client',
    ],
    [
      'a public client that sends a secret',
      () => redeem({ client_id: 'spa', client_secret: 'x' }, {}),
      401,
      'invalid_client',
    ],
    ['no code', () => redeem({ code: undefined }), 400, 'invalid_request'],
    ['an unknown code', () => redeem({ code: 'nope' }), 400, 'invalid_grant'],
    [
      'a duplicated parameter',
      () =>
        f.token({ grant_type: 'authorization_code' }, {}).then(() =>
          f.app.inject({
            method: 'POST',
            url: '/token',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: 'grant_type=authorization_code&grant_type=authorization_code',
          }),
        ),
      400,
      'invalid_request',
    ],
  ];
  for (const [name, send, status, error] of refusals) {
    test(`refuses ${name} with ${error}`, async () => {
      const response = await send();
      assert.equal(response.statusCode, status);
      assert.equal(response.json().error, error);
    });
  }

  test('refuses a client not registered for the grant with unauthorized_client', async () => {
    const { createClient } = await import('@latchkey/provider');
    const created = await createClient(
      f.stores,
      {
        name: 'm2m',
        clientId: 'm2m',
        grantTypes: ['client_credentials'],
        allowedResources: ['https://api.example.com'],
      },
      { now: f.clock.now },
    );
    const response = await redeem({}, { authorization: basicAuth('m2m', created.secret!) });
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'unauthorized_client');
  });

  test('C1: an unknown client and a wrong secret get the same 401 answer with a Basic challenge', async () => {
    const unknown = await redeem({}, { authorization: basicAuth('nobody', f.secrets.web) });
    const wrong = await redeem({}, { authorization: basicAuth('web', `${f.secrets.web}x`) });
    for (const response of [unknown, wrong]) {
      assert.equal(response.statusCode, 401);
      assert.match(String(response.headers['www-authenticate']), /^Basic /);
      assert.equal(response.headers['cache-control'], 'no-store');
    }
    assert.equal(unknown.body, wrong.body);
  });

  test('C2: Basic credentials and a client_secret in the body together are invalid_request', async () => {
    const response = await redeem(
      { client_id: 'web', client_secret: f.secrets.web },
      { authorization: basicAuth('web', f.secrets.web) },
    );
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'invalid_request');
  });

  test('C2: Basic credentials and a client assertion together are invalid_request', async () => {
    const response = await redeem(
      {
        client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
        client_assertion: 'a.b.c',
      },
      { authorization: basicAuth('web', f.secrets.web) },
    );
    assert.equal(response.json().error, 'invalid_request');
  });

  test('accepts a client_id in the body beside Basic credentials for the same client, refuses another', async () => {
    assert.equal((await redeem({ client_id: 'web' })).statusCode, 200);
    const other = await redeem({ client_id: 'post' });
    assert.equal(other.statusCode, 400);
    assert.equal(other.json().error, 'invalid_request');
  });
});
