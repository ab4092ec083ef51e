import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { checkRefreshScope } from '../../src/grants/refresh-token.js';
import { issuesRefreshTokens } from '../../src/grants/sign-in-response.js';
import { hashOpaqueToken } from '../../src/tokens/index.js';
import { recordAuthorizationCode, recordSession } from '../helpers/authorization.js';
import { API, type LifecycleFixture, lifecycleFixture, OTHER_API, REDIRECT_URI } from './fixture.js';

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
}

let f: LifecycleFixture;
before(async () => {
  f = await lifecycleFixture({
    overrides: { tokens: { refreshTokenIdleLifetime: 3600, refreshTokenAbsoluteLifetime: 3 * 3600 } },
  });
});
after(() => f.close());

describe('issuing refresh tokens', () => {
  test('a code redemption by a client registered for refresh_token returns a 256-bit refresh token stored only as its SHA-256', async () => {
    const { body, grantId } = await f.signIn();
    const refreshToken = body.refresh_token!;
    assert.match(refreshToken, /^[A-Za-z0-9_-]{43}$/);
    const stored = await f.stores.refreshTokens.get(hashOpaqueToken(refreshToken));
    assert.equal(stored?.grantId, grantId);
    assert.equal(stored?.clientId, 'web');
    assert.equal(await f.stores.refreshTokens.get(refreshToken), undefined);
  });

  test('only clients registered for the refresh_token grant get refresh tokens', () => {
    assert.equal(issuesRefreshTokens({ grantTypes: ['authorization_code', 'refresh_token'] }), true);
    assert.equal(issuesRefreshTokens({ grantTypes: ['authorization_code'] }), false);
  });
});

describe('refreshing', () => {
  test('returns new tokens and a new refresh token; the ID token keeps auth_time, sid and aud and has no nonce (OIDC Core §12.2)', async () => {
    const first = await f.signIn();
    const firstId = claimsOf(first.body.id_token!);
    f.clock.advance(600);
    const response = await f.refresh(first.body.refresh_token!);
    assert.equal(response.statusCode, 200, response.body);
    assert.equal(response.headers['cache-control'], 'no-store');
    const body = response.json();
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.scope, 'openid profile offline_access');
    assert.notEqual(body.refresh_token, first.body.refresh_token);
    const idToken = claimsOf(body.id_token);
    assert.equal(idToken['auth_time'], firstId['auth_time']);
    assert.equal(idToken['sid'], firstId['sid']);
    assert.equal(idToken['aud'], 'web');
    assert.equal(idToken['sub'], f.user.id);
    assert.equal(idToken['nonce'], undefined);
    assert.equal(idToken['iat'], f.clock.now());
    const access = claimsOf(body.access_token);
    assert.equal(access['auth_time'], firstId['auth_time']);
    assert.equal(access['grant_id'], first.grantId);
    assert.equal(access['client_id'], 'web');
    const userinfo = await f.app.inject({
      method: 'GET',
      url: '/userinfo',
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    assert.equal(userinfo.statusCode, 200);
  });

  test('a public client refreshes with its client_id alone, and its tokens rotate too', async () => {
    const { body } = await f.signIn('spa');
    const response = await f.refresh(body.refresh_token!, 'spa');
    assert.equal(response.statusCode, 200, response.body);
    const again = await f.refresh(body.refresh_token!, 'spa');
    assert.equal(again.json().error, 'invalid_grant');
  });

  test('an unknown refresh token is invalid_grant', async () => {
    const response = await f.refresh('A'.repeat(43));
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'invalid_grant');
  });

  test('a missing refresh_token parameter is invalid_request', async () => {
    const response = await f.token({ grant_type: 'refresh_token' }, f.auth('web'));
    assert.equal(response.json().error, 'invalid_request');
  });
});

describe('R1: reuse of a rotated refresh token', () => {
  test('R1: a rotated token used again is invalid_grant, revokes the whole family and is audited without the token', async () => {
    const { body, grantId } = await f.signIn();
    const stolen = body.refresh_token!;
    const rotated = await f.refresh(stolen);
    assert.equal(rotated.statusCode, 200);
    const successor = rotated.json().refresh_token as string;

    const replay = await f.refresh(stolen);
    assert.equal(replay.statusCode, 400);
    assert.equal(replay.json().error, 'invalid_grant');
    assert.notEqual((await f.stores.grants.get(grantId))?.revokedAt, null);

    const legitimate = await f.refresh(successor);
    assert.equal(legitimate.json().error, 'invalid_grant', 'the newest token of the family is dead too');
    const userinfo = await f.app.inject({
      method: 'GET',
      url: '/userinfo',
      headers: { authorization: `Bearer ${rotated.json().access_token}` },
    });
    assert.equal(userinfo.statusCode, 401);

    const [event] = await f.stores.audit.list({ limit: 1, type: 'refresh.reuse_detected' });
    assert.equal(event?.clientId, 'web');
    assert.equal(event?.userId, f.user.id);
    const serialized = JSON.stringify(event);
    assert.ok(!serialized.includes(stolen) && !serialized.includes(successor));
    assert.ok(!serialized.includes(hashOpaqueToken(stolen)));
  });
});

describe('R2: client binding and scope', () => {
  test('R2: a refresh token presented by another client is invalid_grant and stays usable by its own client', async () => {
    const { body } = await f.signIn();
    const response = await f.refresh(body.refresh_token!, 'other');
    assert.equal(response.statusCode, 400);
    assert.equal(response.json().error, 'invalid_grant');
    assert.equal((await f.refresh(body.refresh_token!)).statusCode, 200);
  });

  test('R2: a wider scope is invalid_scope; a narrower one narrows the access token only', async () => {
    const { body } = await f.signIn();
    const wider = await f.refresh(body.refresh_token!, 'web', { scope: 'openid profile email' });
    assert.equal(wider.statusCode, 400);
    assert.equal(wider.json().error, 'invalid_scope');

    const narrower = await f.refresh(body.refresh_token!, 'web', { scope: 'openid' });
    assert.equal(narrower.statusCode, 200, narrower.body);
    assert.equal(narrower.json().scope, 'openid');
    assert.equal(claimsOf(narrower.json().access_token)['scope'], 'openid');
    // RFC 6749 §6: the new refresh token keeps the original scope.
    const back = await f.refresh(narrower.json().refresh_token, 'web', { scope: 'openid profile' });
    assert.equal(back.statusCode, 200, back.body);
    assert.equal(back.json().scope, 'openid profile');
  });

  const cases: { requested: string[]; granted: string[]; result: string[] | 'invalid_scope' }[] = [
    { requested: [], granted: ['openid', 'profile'], result: ['openid', 'profile'] },
    { requested: ['profile'], granted: ['openid', 'profile'], result: ['profile'] },
    { requested: ['openid', 'profile'], granted: ['openid', 'profile'], result: ['openid', 'profile'] },
    { requested: ['email'], granted: ['openid', 'profile'], result: 'invalid_scope' },
    { requested: ['openid', 'admin'], granted: ['openid'], result: 'invalid_scope' },
  ];
  for (const { requested, granted, result } of cases) {
    test(`R2: asking for [${requested.join(' ')}] under [${granted.join(' ')}] gives ${Array.isArray(result) ? `[${result.join(' ')}]` : result}`, () => {
      if (Array.isArray(result)) assert.deepEqual(checkRefreshScope(requested, granted), result);
      else assert.throws(() => checkRefreshScope(requested, granted), { error: result });
    });
  }
});

describe('resources (RFC 8707 §2.2)', () => {
  test('a refreshed access token names exactly the resources of the code it came from, not UserInfo', async () => {
    const { body } = await f.signIn('web', { resources: [API] });
    assert.deepEqual(claimsOf(body.access_token!)['aud'], API);
    const refreshed = await f.refresh(body.refresh_token!);
    assert.equal(refreshed.statusCode, 200, refreshed.body);
    assert.deepEqual(claimsOf(refreshed.json().access_token)['aud'], API);
    const elsewhere = await f.refresh(refreshed.json().refresh_token, 'web', {
      resource: 'https://other.example',
    });
    assert.equal(elsewhere.json().error, 'invalid_target');
  });
  test('a code exchange naming one of the code resources narrows its access token; another is invalid_target and leaves the code unspent', async () => {
    const now = f.clock.now();
    const sid = await recordSession(f.stores.sessions, { userId: f.user.id, authTime: now, now });
    const { code, verifier } = await recordAuthorizationCode(f.stores, {
      clientId: 'web',
      userId: f.user.id,
      redirectUri: REDIRECT_URI,
      scopes: ['openid'],
      sid,
      authTime: now,
      createdAt: now,
      resources: [API, OTHER_API],
    });
    const exchange = (resource: string) =>
      f.token(
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: REDIRECT_URI,
          code_verifier: verifier,
          resource,
        },
        f.auth('web'),
      );
    const refused = await exchange('https://elsewhere.example');
    assert.equal(refused.statusCode, 400);
    assert.equal(refused.json().error, 'invalid_target');
    const narrowed = await exchange(OTHER_API);
    assert.equal(narrowed.statusCode, 200, narrowed.body);
    assert.deepEqual(claimsOf(narrowed.json().access_token)['aud'], OTHER_API);
  });
});

describe('R3: refresh tokens die with logout, password change, inactivity and age', () => {
  test('R3: after logout (the session grants revoked) the refresh token is invalid_grant', async () => {
    const { body, sid } = await f.signIn();
    await f.stores.grants.revokeBySid(sid, f.clock.now());
    assert.equal((await f.refresh(body.refresh_token!)).json().error, 'invalid_grant');
  });

  test('R3: after a password change the refresh tokens issued before it are invalid_grant', async () => {
    const { body } = await f.signIn();
    f.clock.advance(10);
    await f.stores.users.setPasswordHash(f.user.id, f.user.passwordHash!, f.clock.now());
    assert.equal((await f.refresh(body.refresh_token!)).json().error, 'invalid_grant');
    // A sign-in after the change works again.
    f.clock.advance(1);
    const fresh = await f.signIn();
    assert.equal((await f.refresh(fresh.body.refresh_token!)).statusCode, 200);
  });

  test('R3: a disabled user cannot refresh', async () => {
    const { body } = await f.signIn();
    await f.stores.users.setDisabled(f.user.id, true, f.clock.now());
    try {
      assert.equal((await f.refresh(body.refresh_token!)).json().error, 'invalid_grant');
    } finally {
      await f.stores.users.setDisabled(f.user.id, false, f.clock.now());
    }
  });

  test('R3: a refresh token unused for the idle lifetime is invalid_grant; one second earlier it works', async () => {
    const a = await f.signIn();
    const b = await f.signIn();
    f.clock.advance(3599);
    assert.equal((await f.refresh(a.body.refresh_token!)).statusCode, 200);
    f.clock.advance(1);
    assert.equal((await f.refresh(b.body.refresh_token!)).json().error, 'invalid_grant');
  });

  test('R3: rotation restarts the idle lifetime but never passes the absolute lifetime', async () => {
    let { refresh_token: current } = (await f.signIn()).body;
    for (let i = 0; i < 5; i++) {
      f.clock.advance(3000);
      const response = await f.refresh(current!);
      if (i < 3) {
        assert.equal(response.statusCode, 200, `rotation ${i}: ${response.body}`);
        current = response.json().refresh_token;
      } else {
        // 4 × 3000 s > 3 h absolute lifetime.
        assert.equal(response.json().error, 'invalid_grant', `rotation ${i}`);
        break;
      }
    }
  });
});
