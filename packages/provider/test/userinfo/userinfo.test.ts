import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type SignInFixture, signInFixture } from '../token/sign-in-fixture.js';

let f: SignInFixture;
before(async () => {
  f = await signInFixture();
});
after(() => f.close());

const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
  f.app.inject({
    method: 'POST',
    url: '/userinfo',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    payload: new URLSearchParams(fields).toString(),
  });

describe('UserInfo (OIDC Core §5.3)', () => {
  test("GET with the Bearer header answers sub equal to the ID token's, never cached (oidcc-userinfo-get)", async () => {
    const { body } = await f.signIn();
    const response = await f.userinfo(body.access_token, 'GET');
    assert.equal(response.statusCode, 200);
    assert.equal(response.headers['cache-control'], 'no-store');
    const idToken = JSON.parse(Buffer.from(body.id_token.split('.')[1]!, 'base64url').toString());
    assert.deepEqual(response.json(), { sub: idToken.sub });
    assert.equal(response.json().sub, f.user.id);
  });

  test('POST with the Bearer header works (oidcc-userinfo-post-header)', async () => {
    const { body } = await f.signIn();
    const response = await f.userinfo(body.access_token, 'POST');
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().sub, f.user.id);
  });

  test('POST with access_token in the form body works (RFC 6750 §2.2, oidcc-userinfo-post-body)', async () => {
    const { body } = await f.signIn();
    const response = await form({ access_token: body.access_token });
    assert.equal(response.statusCode, 200);
    assert.equal(response.json().sub, f.user.id);
  });

  const scopes: [string, string[], Record<string, unknown>][] = [
    [
      'profile',
      ['openid', 'profile'],
      {
        name: 'Alice Liddell',
        given_name: 'Alice',
        family_name: 'Liddell',
        locale: 'en-GB',
        preferred_username: 'alice',
      },
    ],
    ['email', ['openid', 'email'], { email: 'alice@example.com', email_verified: true }],
    ['address', ['openid', 'address'], { address: { locality: 'Oxford', country: 'GB' } }],
    ['phone', ['openid', 'phone'], { phone_number: '+44 20 7946 0000', phone_number_verified: false }],
  ];
  for (const [name, granted, expected] of scopes) {
    test(`scope ${name} releases its claims and no others (oidcc-scope-${name})`, async () => {
      const { body } = await f.signIn({ scopes: granted });
      const claims = (await f.userinfo(body.access_token)).json();
      const { sub, updated_at: _updated, ...rest } = claims;
      assert.equal(sub, f.user.id);
      assert.deepEqual(rest, expected);
    });
  }

  test('all scopes release every claim the user has (oidcc-scope-all)', async () => {
    const { body } = await f.signIn({ scopes: ['openid', 'profile', 'email', 'address', 'phone'] });
    const claims = (await f.userinfo(body.access_token)).json();
    for (const name of ['name', 'email', 'email_verified', 'address', 'phone_number', 'updated_at']) {
      assert.ok(name in claims, name);
    }
  });

  test('essential claims asked for in the claims parameter are released with scope openid alone (oidcc-claims-essential)', async () => {
    const claimsRequest = JSON.stringify({ userinfo: { name: { essential: true }, email: null } });
    const { body } = await f.signIn({ scopes: ['openid'], claimsRequest });
    assert.deepEqual((await f.userinfo(body.access_token)).json(), {
      sub: f.user.id,
      name: 'Alice Liddell',
      email: 'alice@example.com',
    });
  });

  test('a request with no token gets 401 and a Bearer challenge without an error code (RFC 6750 §3.1)', async () => {
    const response = await f.app.inject({ method: 'GET', url: '/userinfo' });
    assert.equal(response.statusCode, 401);
    assert.equal(response.headers['www-authenticate'], `Bearer realm="${f.config.issuer}"`);
  });

  const malformed: [string, () => ReturnType<typeof form>][] = [
    [
      'the token in both the header and the body',
      async () => {
        const { body } = await f.signIn();
        return form({ access_token: body.access_token }, { authorization: `Bearer ${body.access_token}` });
      },
    ],
    [
      'the token in the query string',
      async () => {
        const { body } = await f.signIn();
        return f.app.inject({ method: 'GET', url: `/userinfo?access_token=${body.access_token}` });
      },
    ],
    [
      'a malformed Bearer header',
      () => f.app.inject({ method: 'GET', url: '/userinfo', headers: { authorization: 'Bearer a b' } }),
    ],
  ];
  for (const [name, send] of malformed) {
    test(`refuses ${name} with 400 invalid_request and a Bearer challenge`, async () => {
      const response = await send();
      assert.equal(response.statusCode, 400);
      assert.equal(response.json().error, 'invalid_request');
      assert.match(String(response.headers['www-authenticate']), /^Bearer .*error="invalid_request"/);
    });
  }

  test('J21: an ID token presented as a bearer token is refused', async () => {
    const { body } = await f.signIn();
    const response = await f.userinfo(body.id_token);
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['www-authenticate']), /^Bearer .*error="invalid_token"/);
  });

  test('an expired access token is refused with invalid_token', async () => {
    const { body } = await f.signIn();
    f.clock.advance(body.expires_in + 60);
    const response = await f.userinfo(body.access_token);
    assert.equal(response.statusCode, 401);
    assert.equal(response.json().error, 'invalid_token');
  });

  test('a token with a tampered signature is refused, and its text is never echoed', async () => {
    const { body } = await f.signIn();
    const tampered = `${body.access_token.slice(0, -4)}AAAA`;
    const response = await f.userinfo(tampered);
    assert.equal(response.statusCode, 401);
    assert.ok(!response.body.includes(tampered));
    assert.ok(!String(response.headers['www-authenticate']).includes(tampered));
  });

  test('a token whose grant was revoked (logout, code replay) is refused', async () => {
    const { body, grantId } = await f.signIn();
    await f.stores.grants.revoke(grantId, f.clock.now());
    assert.equal((await f.userinfo(body.access_token)).statusCode, 401);
  });

  test('a token of a disabled user is refused', async () => {
    const { createUser, disableUser } = await import('@latchkey/provider');
    const bob = await createUser(f.stores, { username: 'bob' });
    const { body } = await f.signIn({ userId: bob.id });
    await disableUser(f.stores, 'bob');
    assert.equal((await f.userinfo(body.access_token)).statusCode, 401);
  });

  test('a token issued without the openid scope gets 403 insufficient_scope', async () => {
    const { body } = await f.signIn({ scopes: ['profile'] });
    const response = await f.userinfo(body.access_token);
    assert.equal(response.statusCode, 403);
    assert.match(String(response.headers['www-authenticate']), /error="insufficient_scope"/);
  });

  test('a code granted without openid (plain OAuth) gives an access token and no ID token', async () => {
    const { body } = await f.signIn({ scopes: ['profile'], nonce: null });
    assert.equal(body.scope, 'profile');
    assert.equal(body.id_token, undefined);
    assert.equal(typeof body.access_token, 'string');
  });

  test('M4: a token issued for a resource is refused at UserInfo even with openid (invalid_token)', async () => {
    const api = 'https://api.example.com';
    const { body } = await f.signIn({ scopes: ['openid', 'profile'], resources: [api] });
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1]!, 'base64url').toString());
    assert.equal(claims.aud, api, 'the token names exactly the resource it was issued for');
    const response = await f.userinfo(body.access_token);
    assert.equal(response.statusCode, 401);
    assert.match(String(response.headers['www-authenticate']), /error="invalid_token"/);
  });

  test('a token issued for resource=<issuer>/userinfo is accepted at UserInfo', async () => {
    const userinfo = `${f.config.issuer}/userinfo`;
    const { body } = await f.signIn({ scopes: ['openid'], resources: [userinfo] });
    const response = await f.userinfo(body.access_token);
    assert.equal(response.statusCode, 200, response.body);
  });
});
