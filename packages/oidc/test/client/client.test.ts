import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type ClientErrorCode,
  createOidcClient,
  isJoseError,
  isOidcClientError,
  type JoseErrorCode,
  type OidcClient,
  tokenHash,
} from '@latchkey/oidc';
import { createFakeProvider, type FakeProvider, type IdTokenTamper } from './fake-provider.js';

const REDIRECT = 'https://app.example/callback';

const set =
  (name: string, value: unknown): IdTokenTamper =>
  (claims) => {
    claims[name] = value;
  };
const drop =
  (name: string): IdTokenTamper =>
  (claims) => {
    delete claims[name];
  };
const typ =
  (value: string): IdTokenTamper =>
  (_claims, header) => {
    header['typ'] = value;
  };

async function setup(options: { issParameter?: boolean; alg?: 'ES256' | 'EdDSA' | 'RS256' } = {}) {
  const op = await createFakeProvider(options);
  const client = createOidcClient({
    issuer: op.issuer,
    clientId: op.clientId,
    clientSecret: op.clientSecret,
    redirectUri: REDIRECT,
    scopes: ['email'],
    fetch: op.fetch,
  });
  return { op, client };
}

async function login(op: FakeProvider, client: OidcClient, rewrite?: (callback: URL) => void) {
  const start = await client.startAuthorization();
  const callback = new URL(op.authorize(start.url));
  rewrite?.(callback);
  return client.handleCallback(callback.searchParams, start);
}

async function assertFails(action: () => Promise<unknown>, code: ClientErrorCode | JoseErrorCode) {
  await assert.rejects(action, (error: unknown) => {
    assert.ok(isOidcClientError(error) || isJoseError(error), `unexpected ${String(error)}`);
    assert.equal((error as { code: string }).code, code);
    return true;
  });
}

describe('relying-party client', () => {
  test('builds a code request with PKCE S256, state, nonce and every scope incl. openid', async () => {
    const { client } = await setup();
    const start = await client.startAuthorization({ params: { prompt: 'login' } });
    const q = new URL(start.url).searchParams;
    assert.equal(q.get('response_type'), 'code');
    assert.equal(q.get('scope'), 'openid email');
    assert.equal(q.get('state'), start.state);
    assert.equal(q.get('nonce'), start.nonce);
    assert.equal(q.get('code_challenge_method'), 'S256');
    assert.notEqual(q.get('code_challenge'), start.codeVerifier);
    assert.equal(q.get('prompt'), 'login');
    assert.match(start.codeVerifier, /^[A-Za-z0-9_-]{43}$/);
    const again = await client.startAuthorization();
    assert.notEqual(again.state, start.state);
    assert.notEqual(again.nonce, start.nonce);
  });

  test('refuses extra parameters that would override the ones it sets', async () => {
    const { client } = await setup();
    await assert.rejects(client.startAuthorization({ params: { state: 'x' } }), TypeError);
    await assert.rejects(
      client.startAuthorization({ params: { code_challenge_method: 'plain' } }),
      TypeError,
    );
  });

  test('a full sign-in returns verified ID token claims and tokens', async () => {
    const { op, client } = await setup();
    const tokens = await login(op, client);
    assert.equal(tokens.claims.sub, 'alice');
    assert.equal(typeof tokens.accessToken, 'string');
    assert.equal(typeof tokens.refreshToken, 'string');
    const sent = op.requests.at(-1)!.body;
    assert.equal(sent.get('grant_type'), 'authorization_code');
    assert.equal(sent.get('redirect_uri'), REDIRECT);
  });

  test('A7: a callback with a missing, different or repeated state is refused before any exchange', async () => {
    const cases: [string, (u: URL) => void, ClientErrorCode][] = [
      ['missing', (u) => u.searchParams.delete('state'), 'ERR_CLIENT_STATE_MISMATCH'],
      ['different', (u) => u.searchParams.set('state', 'attacker'), 'ERR_CLIENT_STATE_MISMATCH'],
      ['empty', (u) => u.searchParams.set('state', ''), 'ERR_CLIENT_STATE_MISMATCH'],
      ['repeated', (u) => u.searchParams.append('state', 'x'), 'ERR_CLIENT_CALLBACK_INVALID'],
    ];
    for (const [name, rewrite, code] of cases) {
      const { op, client } = await setup();
      await assertFails(() => login(op, client, rewrite), code);
      assert.equal(op.requests.length, 0, `${name}: no token request`);
    }
  });

  test('A8: iss in the response must equal the issuer, and is required when the provider advertises it', async () => {
    const cases: [string, boolean, (u: URL) => void, boolean][] = [
      ['other issuer', true, (u) => u.searchParams.set('iss', 'https://evil.example'), false],
      ['trailing slash', true, (u) => u.searchParams.set('iss', 'https://op.example/'), false],
      ['missing while advertised', true, (u) => u.searchParams.delete('iss'), false],
      ['missing, not advertised', false, () => {}, true],
      [
        'other issuer, not advertised',
        false,
        (u) => u.searchParams.set('iss', 'https://evil.example'),
        false,
      ],
    ];
    for (const [name, advertised, rewrite, ok] of cases) {
      const { op, client } = await setup({ issParameter: advertised });
      if (ok) await login(op, client, rewrite);
      else await assertFails(() => login(op, client, rewrite), 'ERR_CLIENT_ISSUER_MISMATCH');
      assert.equal(op.requests.length, ok ? 1 : 0, name);
    }
  });

  test('A8: an error response from another issuer is reported as a mix-up, not as the error', async () => {
    const { client } = await setup();
    const start = await client.startAuthorization();
    const params = new URLSearchParams({
      error: 'access_denied',
      state: start.state,
      iss: 'https://evil.example',
    });
    await assertFails(() => client.handleCallback(params, start), 'ERR_CLIENT_ISSUER_MISMATCH');
    params.set('iss', 'https://op.example');
    await assert.rejects(client.handleCallback(params, start), (e: unknown) => {
      assert.ok(isOidcClientError(e, 'ERR_CLIENT_AUTHORIZATION_DENIED'));
      assert.equal(e.error, 'access_denied');
      return true;
    });
  });

  test('A9: a code injected into another login fails PKCE and the nonce check', async () => {
    const { op, client } = await setup();
    const victim = await client.startAuthorization();
    const attacker = await client.startAuthorization();
    const stolen = new URL(op.authorize(attacker.url));
    // The attacker's code with the victim's state: PKCE (victim's verifier) fails at the provider.
    stolen.searchParams.set('state', victim.state);
    await assertFails(
      () => client.handleCallback(stolen.searchParams, victim),
      'ERR_CLIENT_TOKEN_REQUEST_FAILED',
    );
    // Even a provider that skipped PKCE would issue an ID token with the attacker's nonce.
    op.tokenResponse = undefined;
    const issued = op.issueTokens('mallory', {}, attacker.nonce);
    op.tokenResponse = () => Response.json(issued);
    const again = new URL(op.authorize(victim.url));
    await assertFails(() => client.handleCallback(again.searchParams, victim), 'ERR_CLIENT_NONCE_MISMATCH');
  });

  const idTokenCases: [string, IdTokenTamper, ClientErrorCode | JoseErrorCode][] = [
    ['J18: iss with a trailing slash', set('iss', 'https://op.example/'), 'ERR_JWT_CLAIM_INVALID'],
    ['J18: iss in another case', set('iss', 'https://OP.example'), 'ERR_JWT_CLAIM_INVALID'],
    ['J18: iss over http', set('iss', 'http://op.example'), 'ERR_JWT_CLAIM_INVALID'],
    ['J18: iss missing', drop('iss'), 'ERR_JWT_CLAIM_INVALID'],
    ['J19: aud naming another client', set('aud', ['other']), 'ERR_JWT_CLAIM_INVALID'],
    ['J19: aud with an untrusted extra audience', set('aud', ['gateway', 'evil']), 'ERR_JWT_CLAIM_INVALID'],
    ['J19: aud empty', set('aud', []), 'ERR_JWT_CLAIM_INVALID'],
    ['J19: aud a prefix', set('aud', 'gate'), 'ERR_JWT_CLAIM_INVALID'],
    ['J20: azp naming another client', set('azp', 'other'), 'ERR_JWT_CLAIM_INVALID'],
    ['J21: an access token (typ at+jwt) as ID token', typ('at+jwt'), 'ERR_JWT_CLAIM_INVALID'],
    ['J21: a logout token (typ logout+jwt) as ID token', typ('logout+jwt'), 'ERR_JWT_CLAIM_INVALID'],
    [
      'J22: at_hash of another token',
      set('at_hash', tokenHash('other', 'ES256')),
      'ERR_CLIENT_HASH_MISMATCH',
    ],
    [
      'J22: at_hash with the full hash',
      (c) => {
        c['at_hash'] = `${c['at_hash']}AAAA`;
      },
      'ERR_CLIENT_HASH_MISMATCH',
    ],
    ['J22: at_hash not a string', set('at_hash', 1), 'ERR_CLIENT_HASH_MISMATCH'],
    ['J22: c_hash of another code', set('c_hash', tokenHash('other', 'ES256')), 'ERR_CLIENT_HASH_MISMATCH'],
    ['J23: nonce missing', drop('nonce'), 'ERR_CLIENT_NONCE_MISMATCH'],
    ['J23: nonce of another login', set('nonce', 'other'), 'ERR_CLIENT_NONCE_MISMATCH'],
    ['J23: nonce not a string', set('nonce', 7), 'ERR_JWT_INVALID'],
    ['sub missing', drop('sub'), 'ERR_JWT_CLAIM_INVALID'],
    ['iat missing', drop('iat'), 'ERR_JWT_CLAIM_INVALID'],
    ['expired', set('exp', 1000), 'ERR_JWT_EXPIRED'],
  ];
  for (const [name, tamper, code] of idTokenCases) {
    test(`${name} is refused`, async () => {
      const { op, client } = await setup();
      op.tamperIdToken = tamper;
      await assertFails(() => login(op, client), code);
    });
  }

  test('J20: several audiences with our azp are accepted only when every audience is trusted', async () => {
    const { op, client } = await setup();
    op.tamperIdToken = (c: Record<string, unknown>) => {
      c['aud'] = ['gateway'];
      c['azp'] = 'gateway';
    };
    assert.equal((await login(op, client)).claims.azp, 'gateway');
  });

  test('J22: absent at_hash and c_hash are accepted in the code flow (OIDC Core §3.1.3.8)', async () => {
    const { op, client } = await setup();
    op.tamperIdToken = (c: Record<string, unknown>) => {
      delete c['at_hash'];
      delete c['c_hash'];
    };
    assert.equal((await login(op, client)).claims.sub, 'alice');
  });

  test('J22: EdDSA ID tokens hash with SHA-512, and a SHA-256 at_hash is refused', async () => {
    const { op, client } = await setup({ alg: 'EdDSA' });
    assert.equal((await login(op, client)).claims.sub, 'alice');
    op.tamperIdToken = set('at_hash', tokenHash('x', 'ES256'));
    await assertFails(() => login(op, client), 'ERR_CLIENT_HASH_MISMATCH');
  });

  test('J23: the same callback cannot be used twice (the code is single-use at the provider)', async () => {
    const { op, client } = await setup();
    const start = await client.startAuthorization();
    const callback = new URL(op.authorize(start.url));
    await client.handleCallback(callback.searchParams, start);
    await assertFails(
      () => client.handleCallback(callback.searchParams, start),
      'ERR_CLIENT_TOKEN_REQUEST_FAILED',
    );
  });

  const responseCases: [string, unknown, number, ClientErrorCode][] = [
    ['no access_token', { token_type: 'Bearer', id_token: 'x' }, 200, 'ERR_CLIENT_TOKEN_RESPONSE_INVALID'],
    [
      'a DPoP token_type',
      { access_token: 'a', token_type: 'DPoP', id_token: 'x' },
      200,
      'ERR_CLIENT_TOKEN_RESPONSE_INVALID',
    ],
    ['no id_token', { access_token: 'a', token_type: 'bearer' }, 200, 'ERR_CLIENT_TOKEN_RESPONSE_INVALID'],
    [
      'a negative expires_in',
      { access_token: 'a', token_type: 'Bearer', expires_in: -1 },
      200,
      'ERR_CLIENT_TOKEN_RESPONSE_INVALID',
    ],
    ['not JSON', 'oops', 200, 'ERR_CLIENT_TOKEN_RESPONSE_INVALID'],
    ['an OAuth error', { error: 'invalid_grant' }, 400, 'ERR_CLIENT_TOKEN_REQUEST_FAILED'],
    ['a redirect', {}, 302, 'ERR_CLIENT_TOKEN_REQUEST_FAILED'],
  ];
  for (const [name, body, status, code] of responseCases) {
    test(`a token response with ${name} is refused`, async () => {
      const { op, client } = await setup();
      op.tokenResponse = () =>
        new Response(typeof body === 'string' ? body : JSON.stringify(body), {
          status,
          headers: status === 302 ? { location: 'https://elsewhere' } : {},
        });
      await assertFails(() => login(op, client), code);
    });
  }

  test('error messages never contain the code, state, nonce or tokens', async () => {
    const { op, client } = await setup();
    op.tamperIdToken = set('nonce', 'other');
    const start = await client.startAuthorization();
    const callback = new URL(op.authorize(start.url));
    const error = await client.handleCallback(callback.searchParams, start).catch((e: Error) => e);
    for (const secret of [start.state, start.nonce, start.codeVerifier, callback.searchParams.get('code')!]) {
      assert.ok(!String((error as Error).message).includes(secret));
    }
  });

  test('refresh returns new tokens and refuses an ID token for another subject', async () => {
    const { op, client } = await setup();
    const tokens = await login(op, client);
    const refreshed = await client.refresh(tokens.refreshToken!, 'alice');
    assert.notEqual(refreshed.accessToken, tokens.accessToken);
    assert.equal(refreshed.claims?.sub, 'alice');
    await assertFails(() => client.refresh(refreshed.refreshToken!, 'bob'), 'ERR_CLIENT_SUBJECT_MISMATCH');
    await assertFails(() => client.refresh('unknown', 'alice'), 'ERR_CLIENT_TOKEN_REQUEST_FAILED');
  });

  test('the end-session URL carries the hint, client and post-logout URI; absent when not advertised', async () => {
    const { op, client } = await setup();
    const url = new URL(
      (await client.endSessionUrl({ idTokenHint: 'hint', postLogoutRedirectUri: 'https://app.example/' }))!,
    );
    assert.equal(url.origin + url.pathname, 'https://op.example/logout');
    assert.equal(url.searchParams.get('id_token_hint'), 'hint');
    assert.equal(url.searchParams.get('client_id'), 'gateway');
    const other = await setup();
    delete other.op.metadata['end_session_endpoint'];
    assert.equal(await other.client.endSessionUrl(), undefined);
    void op;
  });

  test('metadata without a token endpoint, or without S256, is refused', async () => {
    const { op, client } = await setup();
    op.metadata['code_challenge_methods_supported'] = ['plain'];
    await assertFails(() => client.startAuthorization(), 'ERR_CLIENT_METADATA_INVALID');
    op.metadata['code_challenge_methods_supported'] = ['S256'];
    op.metadata['token_endpoint'] = 'http://op.example/token';
    await assertFails(() => client.startAuthorization(), 'ERR_CLIENT_METADATA_INVALID');
    op.metadata['token_endpoint'] = 'https://op.example/token';
    await client.startAuthorization();
  });

  test('options are checked at once', () => {
    const base = { issuer: 'https://op.example', clientId: 'c', redirectUri: REDIRECT };
    const bad: [string, Record<string, unknown>][] = [
      ['http issuer', { issuer: 'http://op.example' }],
      ['empty clientId', { clientId: '' }],
      ['http redirectUri', { redirectUri: 'http://app.example/cb' }],
      ['empty clientSecret', { clientSecret: '' }],
      ['scope with a space', { scopes: ['a b'] }],
    ];
    for (const [name, change] of bad) {
      assert.throws(() => createOidcClient({ ...base, ...change } as never), TypeError, name);
    }
  });
});

describe('back-channel logout tokens', () => {
  const cases: [string, (op: FakeProvider) => string, boolean][] = [
    ['a valid token with sid', (op) => op.logoutToken({ sid: 'sid-1' }), true],
    ['a valid token with sub only', (op) => op.logoutToken({ sub: 'alice' }), true],
    ['J21: typ JWT (an ID token shape)', (op) => op.logoutToken({ sid: 's' }, 'JWT'), false],
    ['J21: an ID token', (op) => op.idToken({ sub: 'alice', nonce: 'n' }), false],
    ['J21: an access token', (op) => op.accessToken({ sub: 'alice' }, 'gateway'), false],
    ['no events', (op) => op.logoutToken({ sid: 's', events: undefined }), false],
    ['events without the logout member', (op) => op.logoutToken({ sid: 's', events: { other: {} } }), false],
    [
      'the event member not an object',
      (op) =>
        op.logoutToken({ sid: 's', events: { 'http://schemas.openid.net/event/backchannel-logout': 1 } }),
      false,
    ],
    ['neither sid nor sub', (op) => op.logoutToken({}), false],
    ['a nonce', (op) => op.logoutToken({ sid: 's', nonce: 'n' }), false],
    ['no jti', (op) => op.logoutToken({ sid: 's', jti: undefined }), false],
    ['another audience', (op) => op.logoutToken({ sid: 's', aud: 'other' }), false],
    ['another issuer', (op) => op.logoutToken({ sid: 's', iss: 'https://evil.example' }), false],
  ];
  for (const [name, make, ok] of cases) {
    test(`${name} is ${ok ? 'accepted' : 'refused'}`, async () => {
      const { op, client } = await setup();
      const token = make(op);
      if (ok) assert.equal(typeof (await client.verifyLogoutToken(token)).jti, 'string');
      else await assertFails(() => client.verifyLogoutToken(token), 'ERR_CLIENT_LOGOUT_TOKEN_INVALID');
    });
  }
});
