import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type DeviceFixture, deviceFixture, PASSWORD } from './fixture.js';

let f: DeviceFixture;
before(async () => {
  f = await deviceFixture();
});
after(() => f.close());

/** A browser: keeps cookies, reads the CSRF token of the last page, posts forms from our origin. */
function browser(fixture: DeviceFixture) {
  const cookies = new Map<string, string>();
  let csrf = '';
  const keep = <R extends { headers: Record<string, unknown>; body: string }>(response: R): R => {
    const set = response.headers['set-cookie'];
    for (const line of Array.isArray(set) ? set : set === undefined ? [] : [String(set)]) {
      const [pair] = String(line).split(';');
      const eq = pair!.indexOf('=');
      cookies.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    const match = /name="csrf_token" value="([^"]+)"/.exec(response.body);
    if (match) csrf = match[1]!;
    return response;
  };
  const cookie = () => [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  return {
    get: async (url: string) =>
      keep(await fixture.app.inject({ method: 'GET', url, headers: { cookie: cookie() } })),
    post: async (form: Record<string, string>, headers: Record<string, string> = {}) =>
      keep(
        await fixture.app.inject({
          method: 'POST',
          url: '/device',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            cookie: cookie(),
            origin: new URL(fixture.config.issuer).origin,
            ...headers,
          },
          payload: new URLSearchParams({ csrf_token: csrf, ...form }).toString(),
        }),
      ),
  };
}

describe('the /device page (RFC 8628 §3.3)', () => {
  test('type the code (any case, spaces and dashes ignored), sign in, see the client and scopes, allow: the device gets tokens', async () => {
    const { device_code, user_code } = await f.start({ scope: 'openid profile' });
    const b = browser(f);
    const page = await b.get('/device');
    assert.equal(page.statusCode, 200);
    assert.equal(page.headers['cache-control'], 'no-store');
    assert.equal(page.headers['x-frame-options'], 'DENY');
    assert.match(String(page.headers['content-security-policy']), /frame-ancestors 'none'/);

    const typed = ` ${user_code.toLowerCase().replace('-', ' - ')} `;
    const login = await b.post({ user_code: typed });
    assert.equal(login.statusCode, 200, login.body);
    assert.match(login.body, /name="password"/);
    assert.match(login.body, /Living-room TV/);

    const confirm = await b.post({ interaction: user_code, username: 'alice', password: PASSWORD });
    assert.equal(confirm.statusCode, 200, confirm.body);
    assert.match(confirm.body, /Allow this device\?/);
    assert.match(confirm.body, /Living-room TV/);
    assert.match(confirm.body, /See your name and basic profile/);
    assert.match(confirm.body, new RegExp(user_code));

    const done = await b.post({ user_code, decision: 'approve' });
    assert.equal(done.statusCode, 200, done.body);
    assert.match(done.body, /Device connected/);

    const tokens = await f.poll(device_code);
    assert.equal(tokens.statusCode, 200, tokens.body);
    assert.ok(tokens.json().id_token);
  });

  test('verification_uri_complete pre-fills the code but does not submit it', async () => {
    const { verification_uri_complete, user_code, device_code } = await f.start();
    const page = await browser(f).get(
      new URL(verification_uri_complete).pathname + new URL(verification_uri_complete).search,
    );
    assert.equal(page.statusCode, 200);
    assert.match(page.body, new RegExp(`value="${user_code}"`));
    assert.equal((await f.poll(device_code)).json().error, 'authorization_pending');
  });

  test('a signed-in person goes straight to the question; Deny makes the device get access_denied', async () => {
    const b = browser(f);
    await b.get('/device');
    const first = await f.start();
    await b.post({ user_code: first.user_code });
    await b.post({ interaction: first.user_code, username: 'alice', password: PASSWORD });
    await b.post({ user_code: first.user_code, decision: 'approve' });

    const { device_code, user_code } = await f.start();
    const confirm = await b.post({ user_code });
    assert.match(confirm.body, /Allow this device\?/);
    const denied = await b.post({ user_code, decision: 'deny' });
    assert.match(denied.body, /Request denied/);
    assert.equal((await f.poll(device_code)).json().error, 'access_denied');
    // The code was answered: it cannot be approved afterwards.
    const again = await b.post({ user_code, decision: 'approve' });
    assert.equal(again.statusCode, 400);
  });

  test('a wrong code is refused, and guessing is rate-limited per address (RFC 8628 §5.1)', async () => {
    // Earlier failures from this address are forgotten after an hour of quiet.
    f.clock.advance(3600);
    const b = browser(f);
    await b.get('/device');
    const headers = {};
    for (let i = 0; i < 5; i++) {
      const wrong = await b.post({ user_code: 'BCDF-GHJK' }, headers);
      assert.equal(wrong.statusCode, 400);
      assert.match(wrong.body, /not valid, or it has expired/);
    }
    const throttled = await b.post({ user_code: 'BCDF-GHJK' }, headers);
    assert.equal(throttled.statusCode, 429);
    assert.ok(Number(throttled.headers['retry-after']) > 0);
    // Even the right code waits while throttled: a guess cannot be confirmed by its answer.
    const { user_code } = await f.start();
    assert.equal((await b.post({ user_code }, headers)).statusCode, 429);
    f.clock.advance(3600);
  });

  const refusals: [string, Record<string, string>, Record<string, string>][] = [
    ['without the CSRF token (S4)', { csrf_token: '' }, {}],
    ['with a CSRF token of another browser (S4)', { csrf_token: 'x'.repeat(43) }, {}],
    ['from another origin (S4)', {}, { origin: 'https://evil.example' }],
  ];
  for (const [name, form, headers] of refusals) {
    test(`refuses a POST ${name}`, async () => {
      const { user_code, device_code } = await f.start();
      const b = browser(f);
      await b.get('/device');
      const response = await b.post({ user_code, ...form }, headers);
      assert.equal(response.statusCode, 403);
      assert.equal((await f.poll(device_code)).json().error, 'authorization_pending');
    });
  }

  test('an approval cannot be posted without being signed in', async () => {
    const { user_code, device_code } = await f.start();
    const b = browser(f);
    await b.get('/device');
    const response = await b.post({ user_code, decision: 'approve' });
    assert.match(response.body, /name="password"/);
    assert.equal((await f.poll(device_code)).json().error, 'authorization_pending');
  });
});
