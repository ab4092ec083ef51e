import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type BearerExtraction, type BearerRequest, extractBearerToken } from '@latchkey/oidc';
import { authorizationValues, formBodyHasToken } from '../../src/http/bearer.js';

const T = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';

const request = (authorization: string[], url = '/api', formBodyHasToken = false): BearerRequest => ({
  authorization,
  url,
  formBodyHasToken,
});

const EXTRACTIONS: ReadonlyArray<[string, BearerRequest, BearerExtraction['kind'], string?]> = [
  ['a Bearer header gives its token', request([`Bearer ${T}`]), 'token', T],
  ['the scheme is case-insensitive', request([`BEARER ${T}`]), 'token', T],
  ['several spaces after the scheme are allowed (1*SP)', request([`Bearer   ${T}`]), 'token', T],
  [
    'every b64token character and trailing = are allowed',
    request(['Bearer aZ09-._~+/==']),
    'token',
    'aZ09-._~+/==',
  ],
  ['no header is missing', request([]), 'missing'],
  ['an empty header is missing', request(['']), 'missing'],
  ['another scheme is missing', request(['Basic YTpi']), 'missing'],
  ['a scheme that only starts with Bearer is another scheme', request([`Bearerx ${T}`]), 'missing'],
  ['the scheme alone is malformed', request(['Bearer']), 'invalid_request'],
  ['two tokens in one header are malformed', request([`Bearer ${T} ${T}`]), 'invalid_request'],
  ['a tab instead of a space is malformed', request([`Bearer\t${T}`]), 'invalid_request'],
  ['= inside the token is malformed', request(['Bearer ab=cd']), 'invalid_request'],
  [
    'a comma (folded duplicate headers) is malformed',
    request([`Bearer ${T}, Bearer ${T}`]),
    'invalid_request',
  ],
  ['a quote in the token is malformed', request(['Bearer "abc"']), 'invalid_request'],
  ['two Authorization headers', request([`Bearer ${T}`, `Bearer ${T}`]), 'invalid_request'],
  ['Basic and Bearer headers together', request(['Basic YTpi', `Bearer ${T}`]), 'invalid_request'],
  ['a query token alone', request([], `/api?access_token=${T}`), 'invalid_request'],
  ['a percent-encoded query name counts', request([], `/api?access%5Ftoken=${T}`), 'invalid_request'],
  ['an empty query token counts', request([], '/api?access_token='), 'invalid_request'],
  ['a query token in a full URL', request([], `http://h/api?a=1&access_token=${T}`), 'invalid_request'],
  ['header and query', request([`Bearer ${T}`], `/api?access_token=${T}`), 'invalid_request'],
  ['header and form body', request([`Bearer ${T}`], '/api', true), 'invalid_request'],
  ['a form body token alone', request([], '/api', true), 'invalid_request'],
  ['another query parameter is fine', request([`Bearer ${T}`], '/api?token=x&access_tokens=y'), 'token', T],
  [
    'access_token after # is not in the query',
    request([`Bearer ${T}`], '/api?x=1#access_token=y'),
    'token',
    T,
  ],
];

for (const [name, req, kind, token] of EXTRACTIONS) {
  test(`extractBearerToken: ${name} → ${kind}`, () => {
    const result = extractBearerToken(req);
    assert.equal(result.kind, kind);
    if (result.kind === 'token') assert.equal(result.token, token);
    if (result.kind === 'invalid_request') {
      assert.equal(result.description.includes(T), false, 'the description never contains the token');
      assert.ok(result.description.length > 0);
    }
  });
}

test('extractBearerToken names the two methods and the header when a token is sent twice', () => {
  const result = extractBearerToken(request([`Bearer ${T}`], `/api?access_token=${T}`));
  assert.equal(result.kind, 'invalid_request');
  assert.match(
    result.kind === 'invalid_request' ? result.description : '',
    /one method.*Authorization header/,
  );
});

test('authorizationValues reads every Authorization field of rawHeaders, whatever the case of the name', () => {
  const raw = ['Host', 'h', 'authorization', 'Bearer a', 'X-Authorization', 'x', 'AUTHORIZATION', 'Bearer b'];
  assert.deepEqual(authorizationValues(raw), ['Bearer a', 'Bearer b']);
  assert.deepEqual(authorizationValues([]), []);
});

const FORM_BODIES: ReadonlyArray<[string, string | undefined, unknown, boolean]> = [
  ['a parsed form with access_token', 'application/x-www-form-urlencoded', { access_token: 't' }, true],
  [
    'a form with a charset parameter',
    'Application/X-WWW-Form-Urlencoded; charset=utf-8',
    { access_token: 't' },
    true,
  ],
  ['a form without access_token', 'application/x-www-form-urlencoded', { other: 't' }, false],
  ['a JSON body with access_token (not a Bearer method)', 'application/json', { access_token: 't' }, false],
  ['an unparsed body', 'application/x-www-form-urlencoded', undefined, false],
  ['a body without a content type', undefined, { access_token: 't' }, false],
  [
    'an inherited access_token is not a field',
    'application/x-www-form-urlencoded',
    Object.create({ access_token: 't' }),
    false,
  ],
];

for (const [name, contentType, body, expected] of FORM_BODIES) {
  test(`formBodyHasToken: ${name} → ${expected}`, () => {
    assert.equal(formBodyHasToken(contentType, body), expected);
  });
}
