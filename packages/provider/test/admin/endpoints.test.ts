// What the admin layer's changes do at the endpoints of a running provider: a disabled client is
// refused everywhere, a rotated secret overlaps with the old one for the time chosen and no longer.
// Changes are made through the stores underneath the app, as the CLI (another process) makes them,
// so the app sees them once its client cache entry expires (clients.cacheTtl).
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { disableClient, enableClient, rotateClientSecret } from '@latchkey/provider';
import { basicAuth, REDIRECT_URI, type SignInFixture, signInFixture } from '../token/sign-in-fixture.js';

describe('a client changed from the CLI, at the endpoints', () => {
  let f: SignInFixture;
  before(async () => {
    f = await signInFixture();
  });
  after(() => f.close());
  const pastCache = () => f.clock.advance(f.config.clients.cacheTtl + 1);

  async function redeem(secret: string) {
    const issued = await f.issueCode();
    return f.token(
      {
        grant_type: 'authorization_code',
        code: issued.code,
        redirect_uri: REDIRECT_URI,
        code_verifier: issued.verifier,
      },
      { authorization: basicAuth('web', secret) },
    );
  }

  test('a disabled client gets invalid_client at the token endpoint and no redirect from /authorize', async () => {
    assert.equal((await redeem(f.secrets.web)).statusCode, 200);
    await disableClient(f.stores, 'web', { now: f.clock.now });
    pastCache();
    const refused = await redeem(f.secrets.web);
    assert.equal(refused.statusCode, 401);
    assert.equal(refused.json().error, 'invalid_client');
    const authorize = await f.app.inject({
      url: `/authorize?${new URLSearchParams({
        client_id: 'web',
        redirect_uri: REDIRECT_URI,
        response_type: 'code',
        scope: 'openid',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
        code_challenge_method: 'S256',
      })}`,
    });
    assert.equal(authorize.statusCode, 400);
    assert.equal(authorize.headers.location, undefined);
    await enableClient(f.stores, 'web', { now: f.clock.now });
    pastCache();
    assert.equal((await redeem(f.secrets.web)).statusCode, 200);
  });

  test('the access tokens a client already holds are refused at UserInfo once it is disabled', async () => {
    const { body } = await f.signIn();
    assert.equal((await f.userinfo(body.access_token)).statusCode, 200);
    await disableClient(f.stores, 'web', { now: f.clock.now });
    pastCache();
    const refused = await f.userinfo(body.access_token);
    assert.equal(refused.statusCode, 401);
    assert.match(String(refused.headers['www-authenticate']), /error="invalid_token"/);
    await enableClient(f.stores, 'web', { now: f.clock.now });
    pastCache();
  });

  test('after secret rotate --keep-old-for 1h both secrets work; after the hour only the new one', async () => {
    const old = f.secrets.web;
    const { secret } = await rotateClientSecret(f.stores, 'web', { keepOldFor: 3600 }, { now: f.clock.now });
    pastCache();
    assert.equal((await redeem(secret)).statusCode, 200, 'the new secret');
    assert.equal((await redeem(old)).statusCode, 200, 'the old secret, during the overlap');
    f.clock.advance(3600);
    assert.equal((await redeem(secret)).statusCode, 200, 'the new secret, after the overlap');
    const refused = await redeem(old);
    assert.equal(refused.statusCode, 401, 'the old secret, after the overlap');
    assert.equal(refused.json().error, 'invalid_client');
  });
});
