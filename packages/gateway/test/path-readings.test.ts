// G2: a path an upstream may read in more than one way (case, `;` parameters, trimmed spaces and
// trailing dots) must satisfy the route of every reading, through the proxy and through /_auth alike.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { type Harness, startHarness } from './helpers/gateway.js';
import { signIn } from './helpers/sign-in.js';

let h: Harness;
let staffCookie: string;
before(async () => {
  // Routes: `/` authenticated, `/public` public, `/admin` for group admins (helpers/gateway.ts).
  h = await startHarness({ trustedProxies: ['127.0.0.0/8'] });
  const staff = await signIn(h, { groups: ['staff'] });
  staffCookie = `latchkey=${staff.cookies.get('latchkey')}`;
});
after(() => h.close());

/** A GET with the target sent byte for byte (fetch would rewrite some of these paths). */
function rawGet(path: string, headers: Record<string, string> = {}): Promise<number> {
  const { port } = new URL(h.gateway.url);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { accept: 'text/html', ...headers } },
      (res) => {
        res.resume();
        resolve(res.statusCode!);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Forward-auth as nginx asks it: the original URI in a header. */
const forwardAuth = (uri: string, headers: Record<string, string> = {}) =>
  rawGet('/_auth', { 'x-original-uri': uri, 'x-forwarded-host': 'localhost', ...headers });

type Who = 'anonymous' | 'staff';
// [path, who asks, proxy status, /_auth status]
const cases: [string, Who, number, number][] = [
  // Case and parameters folded into /public must not skip the authenticated route `/`.
  ['/PUBLIC/x', 'anonymous', 302, 401],
  ['/Public/x', 'anonymous', 302, 401],
  ['/public;x/secret', 'anonymous', 302, 401],
  ['/PUBLIC;a=b/secret', 'anonymous', 302, 401],
  ['/public/..;/secret', 'anonymous', 302, 401],
  // Characters an upstream trims (CVE-2016-5007 class) must not get around the /admin route.
  ['/admin%20', 'staff', 403, 403],
  ['/admin%20/x', 'staff', 403, 403],
  ['/%20admin/x', 'staff', 403, 403],
  ['/ADMIN%20', 'staff', 403, 403],
  ['/admin%20;x=1', 'staff', 403, 403],
  ['/admin.', 'staff', 403, 403],
  ['/admin../x', 'staff', 403, 403],
  ['/admin.%20', 'staff', 403, 403],
  ['/Admin;x/y', 'staff', 403, 403],
  ['/admin%C2%A0', 'staff', 403, 403],
  ['/admin%e3%80%80/x', 'staff', 403, 403],
  // Escaped controls, and segments that trimming turns into dot segments, are refused outright.
  ['/admin%09', 'staff', 400, 400],
  ['/admin%0a', 'staff', 400, 400],
  ['/admin%0D', 'staff', 400, 400],
  ['/admin%7f', 'staff', 400, 400],
  ['/public/..%20/admin', 'anonymous', 400, 400],
  ['/public/%20../admin', 'anonymous', 400, 400],
  ['/public/.../admin', 'anonymous', 400, 400],
  ['/public/..%c2%a0/admin', 'anonymous', 400, 400],
  // What the routes allow stays allowed.
  ['/public/x', 'anonymous', 200, 200],
  ['/public/x.', 'anonymous', 200, 200],
  ['/public/a%20b', 'anonymous', 200, 200],
  ['/home%20', 'staff', 200, 200],
  ['/administrator', 'staff', 200, 200],
];

describe('G2: folding and trimming only ever make a match stricter', () => {
  for (const [path, who, proxied, forwarded] of cases) {
    // Read when the test runs: the cookie exists only after `before`.
    const headers = (): Record<string, string> => (who === 'staff' ? { cookie: staffCookie } : {});
    test(`G2: ${path} as ${who}: ${proxied} through the proxy`, async () => {
      const before = h.upstream.seen.length;
      assert.equal(await rawGet(path, headers()), proxied);
      assert.equal(h.upstream.seen.length, before + (proxied === 200 ? 1 : 0), 'upstream reached');
    });
    test(`G2: ${path} as ${who}: ${forwarded} from /_auth`, async () => {
      assert.equal(await forwardAuth(path, headers()), forwarded);
    });
  }

  test('G2: the upstream receives the path as sent, case and parameters kept', async () => {
    assert.equal(await rawGet('/PUBLIC;v=1/x', { cookie: staffCookie }), 200);
    assert.equal(h.upstream.seen.at(-1)!.url, '/PUBLIC;v=1/x');
    assert.equal(h.upstream.seen.at(-1)!.headers['x-auth-request-user'], 'alice', 'identity of `/`');
  });
});

test('G2: a route written in mixed case is open as written; another case must also pass the route it reads as', async () => {
  const mixed = await startHarness({
    routes: [
      { path: '/', upstream: 'app', policy: 'authenticated' },
      { path: '/Assets', upstream: 'app', policy: 'public' },
    ],
  });
  try {
    const get = (path: string) => fetch(`${mixed.gateway.url}${path}`, { redirect: 'manual' });
    assert.equal((await get('/Assets/logo.png')).status, 200);
    assert.equal((await get('/assets/logo.png')).status, 401);
    assert.equal((await get('/ASSETS/logo.png')).status, 401);
  } finally {
    await mixed.close();
  }
});
