import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OAuthError } from '../../src/errors/index.js';
import { RequestParams } from '../../src/lib/request-params.js';

test('A10: a parameter included twice is invalid_request when read, naming it', () => {
  const params = RequestParams.fromForm('grant_type=authorization_code&code=a&code=b');
  assert.equal(params.get('grant_type'), 'authorization_code');
  assert.throws(
    () => params.get('code'),
    (e: unknown) =>
      e instanceof OAuthError && e.error === 'invalid_request' && /code/.test(e.description ?? ''),
  );
});

test('A10: an unknown duplicated parameter is ignored (never read)', () => {
  const params = RequestParams.fromUrl('/authorize?client_id=c&foo=1&foo=2');
  assert.equal(params.get('client_id'), 'c');
});

test('a parameter sent without a value is treated as omitted (RFC 6749 §3.1)', () => {
  const params = RequestParams.fromUrl('/authorize?state=&nonce=n');
  assert.equal(params.get('state'), undefined);
  assert.equal(params.has('state'), false);
  assert.deepEqual(params.names(), ['nonce']);
  assert.throws(() => params.require('state'), /state parameter is required/);
});

test('an empty and a non-empty copy of one parameter is still a duplicate', () => {
  assert.throws(() => RequestParams.fromForm('scope=&scope=openid').get('scope'), OAuthError);
});

test('form bodies decode + as space and percent-escapes as UTF-8', () => {
  const params = RequestParams.fromForm(
    'scope=openid+profile&redirect_uri=https%3A%2F%2Fapp.example%2Fcb&name=J%C3%BCrgen',
  );
  assert.deepEqual(params.list('scope'), ['openid', 'profile']);
  assert.equal(params.get('redirect_uri'), 'https://app.example/cb');
  assert.equal(params.get('name'), 'Jürgen');
});

test('list() splits on spaces, drops empties and repeats, keeps order', () => {
  assert.deepEqual(RequestParams.fromUrl('/x?prompt=login%20%20consent%20login').list('prompt'), [
    'login',
    'consent',
  ]);
  assert.deepEqual(RequestParams.empty().list('scope'), []);
});
