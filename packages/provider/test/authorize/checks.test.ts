import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkAcrValues } from '../../src/endpoints/authorize/check-acr-values.js';
import { checkClaimsParameter } from '../../src/endpoints/authorize/check-claims-parameter.js';
import { checkClient } from '../../src/endpoints/authorize/check-client.js';
import { checkDisplay } from '../../src/endpoints/authorize/check-display.js';
import { checkLocales } from '../../src/endpoints/authorize/check-locales.js';
import { checkLoginHint } from '../../src/endpoints/authorize/check-login-hint.js';
import { checkMaxAge } from '../../src/endpoints/authorize/check-max-age.js';
import { checkNonce } from '../../src/endpoints/authorize/check-nonce.js';
import { checkPkce } from '../../src/endpoints/authorize/check-pkce.js';
import { checkPrompt } from '../../src/endpoints/authorize/check-prompt.js';
import { checkRedirectUri } from '../../src/endpoints/authorize/check-redirect-uri.js';
import { checkRequestObject } from '../../src/endpoints/authorize/check-request-object.js';
import { checkResponseMode } from '../../src/endpoints/authorize/check-response-mode.js';
import { checkResponseType } from '../../src/endpoints/authorize/check-response-type.js';
import { checkScope } from '../../src/endpoints/authorize/check-scope.js';
import { checkState } from '../../src/endpoints/authorize/check-state.js';
import { OAuthError } from '../../src/errors/index.js';
import { RequestParams } from '../../src/lib/request-params.js';
import type { ClientRecord } from '../../src/store/types.js';

const params = (query: string) => RequestParams.fromUrl(`/authorize?${query}`);

const client: ClientRecord = {
  clientId: 'app',
  name: 'App',
  type: 'confidential',
  secretHash: null,
  redirectUris: ['https://app.example.com/cb', 'https://app.example.com/cb2'],
  postLogoutRedirectUris: [],
  grantTypes: ['authorization_code'],
  scopes: ['openid', 'profile', 'api:read'],
  tokenEndpointAuthMethod: 'client_secret_basic',
  idTokenSignedResponseAlg: 'RS256',
  jwks: null,
  jwksUri: null,
  allowedResources: [],
  backchannelLogoutUri: null,
  disabled: false,
  previousSecret: null,
  createdAt: 0,
  updatedAt: 0,
};

/** Asserts that `run` throws an OAuthError with `code`. */
async function rejects(run: () => unknown, code: string) {
  await assert.rejects(
    async () => run(),
    (error: unknown) => error instanceof OAuthError && error.error === code,
  );
}

const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

describe('checkClient', () => {
  const clients = { get: async (id: string) => (id === 'app' ? client : undefined) };
  test('returns the registered client', async () => {
    assert.equal((await checkClient(params('client_id=app'), clients)).clientId, 'app');
  });
  for (const [name, query, code] of [
    ['missing', '', 'invalid_request'],
    ['unknown', 'client_id=nope', 'invalid_client'],
    ['sent twice (A10)', 'client_id=app&client_id=app', 'invalid_request'],
    ['absurdly long', `client_id=${'a'.repeat(300)}`, 'invalid_client'],
  ] as const) {
    test(`refuses a client_id that is ${name}`, () =>
      rejects(() => checkClient(params(query), clients), code));
  }
});

describe('checkRedirectUri', () => {
  test('accepts a registered URI exactly', () => {
    assert.equal(
      checkRedirectUri(params('redirect_uri=https://app.example.com/cb2'), client),
      'https://app.example.com/cb2',
    );
  });
  test('is required even when exactly one is registered (OIDC Core §3.1.2.1)', () => {
    const single = { ...client, redirectUris: ['https://app.example.com/cb'] };
    assert.throws(() => checkRedirectUri(params(''), single), /redirect_uri parameter is required/);
  });
  const variants = [
    ['missing while several are registered', ''],
    ['a prefix', 'https://app.example.com/c'],
    ['a longer path', 'https://app.example.com/cb/x'],
    ['with a query added', 'https://app.example.com/cb?x=1'],
    ['with a fragment', 'https://app.example.com/cb#x'],
    ['in another case', 'https://APP.example.com/cb'],
    ['with userinfo', 'https://evil@app.example.com/cb'],
    ['percent-encoded', 'https://app.example.com/%63b'],
    ['with a trailing slash', 'https://app.example.com/cb/'],
    ['over http', 'http://app.example.com/cb'],
    ['with an explicit port', 'https://app.example.com:443/cb'],
  ] as const;
  for (const [name, uri] of variants) {
    test(`A3: refuses a redirect_uri ${name}`, () =>
      rejects(
        () => checkRedirectUri(params(uri === '' ? '' : `redirect_uri=${encodeURIComponent(uri)}`), client),
        'invalid_request',
      ));
  }
});

describe('checkResponseType and checkResponseMode', () => {
  test('accepts code', () => assert.equal(checkResponseType(params('response_type=code'), client), 'code'));
  for (const [type, code] of [
    ['', 'invalid_request'],
    ['token', 'unsupported_response_type'],
    ['id_token', 'unsupported_response_type'],
    ['code id_token', 'unsupported_response_type'],
    ['code token', 'unsupported_response_type'],
    ['none', 'unsupported_response_type'],
  ] as const) {
    test(`answers response_type=${JSON.stringify(type)} with ${code}`, () =>
      rejects(() => checkResponseType(params(`response_type=${encodeURIComponent(type)}`), client), code));
  }
  test('refuses a client not registered for the code grant with unauthorized_client', () =>
    rejects(
      () =>
        checkResponseType(params('response_type=code'), { ...client, grantTypes: ['client_credentials'] }),
      'unauthorized_client',
    ));
  for (const [mode, expected] of [
    ['', 'query'],
    ['query', 'query'],
    ['fragment', 'fragment'],
    ['form_post', 'form_post'],
  ] as const) {
    test(`response_mode ${JSON.stringify(mode)} is ${expected}`, () =>
      assert.equal(checkResponseMode(params(`response_mode=${mode}`)), expected));
  }
  test('refuses an unknown response_mode', () =>
    rejects(() => checkResponseMode(params('response_mode=web_message')), 'invalid_request'));
});

describe('checkScope', () => {
  const cases: [string, string[] | string][] = [
    ['openid', ['openid']],
    ['profile openid', ['openid', 'profile']],
    ['openid unknown profile', ['openid', 'profile']],
    ['openid email', ['openid']],
    ['openid api:read openid', ['openid', 'api:read']],
    ['profile', ['profile']],
    ['api:read unknown', ['api:read']],
    ['email unknown', 'invalid_scope'],
    ['', 'invalid_scope'],
  ];
  for (const [scope, expected] of cases) {
    test(`scope ${JSON.stringify(scope)} → ${JSON.stringify(expected)}`, async () => {
      const p = params(`scope=${encodeURIComponent(scope)}`);
      if (typeof expected === 'string') await rejects(() => checkScope(p, client), expected);
      else assert.deepEqual(checkScope(p, client), expected);
    });
  }
  test('refuses openid when the client may not use it', () =>
    rejects(() => checkScope(params('scope=openid'), { ...client, scopes: ['api:read'] }), 'invalid_scope'));
});

describe('checkPkce', () => {
  test('accepts an S256 challenge of 43 base64url characters', () => {
    assert.equal(checkPkce(params(`code_challenge=${CHALLENGE}&code_challenge_method=S256`)), CHALLENGE);
  });
  const cases = [
    ['no challenge', 'code_challenge_method=S256'],
    ['plain', `code_challenge=${CHALLENGE}&code_challenge_method=plain`],
    ['no method (means plain)', `code_challenge=${CHALLENGE}`],
    ['a lower-case method', `code_challenge=${CHALLENGE}&code_challenge_method=s256`],
    ['42 characters', `code_challenge=${CHALLENGE.slice(1)}&code_challenge_method=S256`],
    ['44 characters', `code_challenge=${CHALLENGE}A&code_challenge_method=S256`],
    ['128 characters', `code_challenge=${'a'.repeat(128)}&code_challenge_method=S256`],
    ['padding', `code_challenge=${CHALLENGE.slice(1)}%3D&code_challenge_method=S256`],
    ['base64 characters', `code_challenge=${CHALLENGE.slice(1)}%2B&code_challenge_method=S256`],
    ['two challenges', `code_challenge=${CHALLENGE}&code_challenge=${CHALLENGE}&code_challenge_method=S256`],
  ] as const;
  for (const [name, query] of cases) {
    test(`A5: refuses ${name}`, () => rejects(() => checkPkce(params(query)), 'invalid_request'));
  }
});

describe('checkPrompt, checkMaxAge, checkNonce, checkState', () => {
  for (const [prompt, expected] of [
    ['', []],
    ['none', ['none']],
    ['login consent', ['login', 'consent']],
    ['select_account', ['select_account']],
    ['login login', ['login']],
  ] as const) {
    test(`prompt ${JSON.stringify(prompt)} → ${JSON.stringify(expected)}`, () =>
      assert.deepEqual(checkPrompt(params(`prompt=${encodeURIComponent(prompt)}`)), expected));
  }
  for (const prompt of ['none login', 'consent none', 'bogus']) {
    test(`refuses prompt ${JSON.stringify(prompt)}`, () =>
      rejects(() => checkPrompt(params(`prompt=${encodeURIComponent(prompt)}`)), 'invalid_request'));
  }
  for (const [raw, expected] of [
    ['', undefined],
    ['0', 0],
    ['1', 1],
    ['10000', 10000],
    ['007', 7],
  ] as const) {
    test(`max_age ${JSON.stringify(raw)} → ${expected}`, () =>
      assert.equal(checkMaxAge(params(`max_age=${raw}`)), expected));
  }
  for (const raw of ['-1', '1.5', 'abc', '1e3', '99999999999', '+1']) {
    test(`refuses max_age ${raw}`, () =>
      rejects(() => checkMaxAge(params(`max_age=${encodeURIComponent(raw)}`)), 'invalid_request'));
  }
  test('a nonce is optional and kept as sent', () => {
    assert.equal(checkNonce(params('')), undefined);
    assert.equal(checkNonce(params('nonce=n%20 1')), 'n  1');
  });
  test('refuses a nonce longer than 512 characters', () =>
    rejects(() => checkNonce(params(`nonce=${'n'.repeat(513)}`)), 'invalid_request'));
  test('refuses a state longer than 2048 characters', () =>
    rejects(() => checkState(params(`state=${'s'.repeat(2049)}`)), 'invalid_request'));
});

describe('checkClaimsParameter', () => {
  test('keeps id_token and userinfo requests, normalised, and drops unknown members', () => {
    const claims = { id_token: { email: { essential: true } }, userinfo: { name: null }, other: 1 };
    assert.deepEqual(
      JSON.parse(checkClaimsParameter(params(`claims=${encodeURIComponent(JSON.stringify(claims))}`))!),
      {
        id_token: { email: { essential: true } },
        userinfo: { name: null },
      },
    );
  });
  const bad = [
    ['not JSON', '{'],
    ['an array', '[]'],
    ['a string target', '{"id_token":"email"}'],
    ['a non-boolean essential', '{"id_token":{"email":{"essential":"yes"}}}'],
    ['values not an array', '{"userinfo":{"email":{"values":"a"}}}'],
    ['duplicate members', '{"id_token":{},"id_token":{}}'],
    ['too long', `{"userinfo":{"${'x'.repeat(5000)}":null}}`],
  ] as const;
  for (const [name, raw] of bad) {
    test(`refuses a claims parameter that is ${name}`, () =>
      rejects(() => checkClaimsParameter(params(`claims=${encodeURIComponent(raw)}`)), 'invalid_request'));
  }
});

describe('checkRequestObject, checkDisplay, checkLocales, checkLoginHint, checkAcrValues', () => {
  test('request → request_not_supported', () =>
    rejects(() => checkRequestObject(params('request=eyJ.x.y')), 'request_not_supported'));
  test('request_uri → request_uri_not_supported', () =>
    rejects(
      () => checkRequestObject(params('request_uri=https://x.example/r')),
      'request_uri_not_supported',
    ));
  for (const display of ['page', 'popup', 'touch', 'wap'] as const) {
    test(`display=${display} is accepted`, () =>
      assert.equal(checkDisplay(params(`display=${display}`)), display));
  }
  test('an unknown display is refused', () =>
    rejects(() => checkDisplay(params('display=tv')), 'invalid_request'));
  test('ui_locales and claims_locales are lists of language tags', () => {
    assert.deepEqual(checkLocales(params('ui_locales=fr-CA%20fr%20en'), 'ui_locales'), ['fr-CA', 'fr', 'en']);
    assert.deepEqual(checkLocales(params('claims_locales=de'), 'claims_locales'), ['de']);
  });
  test('refuses locales that are not language tags', () =>
    rejects(() => checkLocales(params('ui_locales=%3Cscript%3E'), 'ui_locales'), 'invalid_request'));
  test('a login_hint is a hint: kept when sane, ignored otherwise', () => {
    assert.equal(checkLoginHint(params('login_hint=alice%40example.com')), 'alice@example.com');
    assert.equal(checkLoginHint(params(`login_hint=${'a'.repeat(300)}`)), undefined);
    assert.equal(checkLoginHint(params('login_hint=a%0Ab')), undefined);
  });
  test('acr_values are accepted and recorded', () =>
    assert.deepEqual(checkAcrValues(params('acr_values=urn:a%20urn:b')), ['urn:a', 'urn:b']));
});
