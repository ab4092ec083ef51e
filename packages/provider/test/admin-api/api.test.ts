import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { Validator } from '@seriousme/openapi-schema-validator';
import { API, adminApiFixture, apiCaller } from './fixture.js';
import { ROUTES } from './routes.js';

type Fixture = Awaited<ReturnType<typeof adminApiFixture>>;

describe('admin API', () => {
  let fixture: Fixture;
  let token: string;
  const call = apiCaller(() => ({ fixture, token }));
  before(async () => {
    fixture = await adminApiFixture();
    token = await fixture.userToken(fixture.root.id);
  });

  test('the OpenAPI 3.1 document validates, and documents exactly the routes the tests exercise', async () => {
    const response = await fixture.app.inject({ url: `${API}/openapi.json` });
    assert.equal(response.statusCode, 200);
    const document = response.json();
    assert.equal(document.openapi, '3.1.0');
    const result = await new Validator().validate(document);
    assert.equal(result.valid, true, JSON.stringify(result.errors));
    const documented = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, operations]) => Object.keys(operations).map((m) => `${m.toUpperCase()} ${path}`))
      .sort();
    const exercised = ROUTES.map((r) => `${r.method} ${API}${r.path}`).sort();
    assert.deepEqual(documented, exercised);
    // The document is the route schemas: unknown members are refused in what it publishes too.
    const create = document.paths[`${API}/clients`].post.requestBody.content['application/json'].schema;
    assert.equal(create.additionalProperties, false);
  });

  test('discovery lists the admin scopes, and a client may hold them for itself', async () => {
    const discovery = (await fixture.app.inject({ url: '/.well-known/openid-configuration' })).json();
    assert.ok(discovery.scopes_supported.includes('latchkey:admin'));
    assert.ok(discovery.scopes_supported.includes('latchkey:admin.read'));
    const { clientOwnScopes } = await import('../../src/grants/client-credentials.js');
    assert.deepEqual(
      clientOwnScopes({ scopes: ['openid', 'latchkey:admin', 'latchkey:admin.read', 'reports'] }),
      ['latchkey:admin', 'latchkey:admin.read', 'reports'],
    );
  });

  test('every documented route answers an admin’s valid request with success', async () => {
    // Deletions of whole resources last, so the other routes still find what they act on.
    const destroys = (path: string) => /^\/(clients|users|groups)\/\{[a-zA-Z]+\}$/.test(path);
    const ordered = [...ROUTES].sort(
      (a, b) =>
        Number(a.method === 'DELETE' && destroys(a.path)) - Number(b.method === 'DELETE' && destroys(b.path)),
    );
    for (const route of ordered) {
      // A session to end, made just before (ending all of carol's sessions comes first in the list).
      const url =
        route.path === '/users/{username}/sessions/{sid}'
          ? `/users/carol/sessions/${(await sessionFor(fixture, 'carol')).sid}`
          : route.url;
      // A precondition from the resource's own GET (N3), as a client must send one.
      let headers: Record<string, string> = {};
      if (
        route.method === 'PATCH' ||
        (route.method === 'DELETE' && /^\/(clients|users|groups|settings)\/[^/]+$/.test(url))
      ) {
        // One representation holds every setting: its tag guards the removal of one override too.
        const read = await call('GET', url.startsWith('/settings') ? '/settings' : url);
        headers = { 'if-match': String(read.headers.etag) };
      }
      if (route.path === '/users/{username}/consents/{clientId}') {
        await fixture.stores.consents.grant(fixture.bob.id, 'admin-robot', ['openid'], fixture.clock.now());
      }
      const target =
        route.path === '/users/{username}/consents/{clientId}' ? '/users/bob/consents/admin-robot' : url;
      const response = await call(route.method, target, { body: route.body, headers });
      assert.ok(
        response.statusCode >= 200 && response.statusCode < 300,
        `${route.method} ${target}: ${response.statusCode} ${response.body}`,
      );
    }
  });

  test('every mutation is audited with the admin-api actor and the caller’s sub; a new secret is never in the audit log', async () => {
    const created = await call('POST', '/clients', {
      body: { name: 'Audited app', redirectUris: ['https://a.example/cb'] },
    });
    assert.equal(created.statusCode, 201, created.body);
    const { client, clientSecret } = created.json();
    const rotated = await call('POST', `/clients/${client.clientId}/secret`, { body: {} });
    const secret = rotated.json().clientSecret;
    const events = await fixture.stores.audit.list({ limit: 10, clientId: client.clientId });
    assert.deepEqual(
      events.map((e) => e.type),
      ['admin.client.secret_rotated', 'admin.client.created'],
    );
    for (const event of events)
      assert.deepEqual(event.details?.['actor'], { type: 'admin-api', id: fixture.root.id });
    const all = JSON.stringify(await fixture.stores.audit.list({ limit: 1000 }));
    assert.ok(!all.includes(secret) && !all.includes(clientSecret));
    assert.ok(!rotated.body.includes('secretHash') && !created.body.includes('secretHash'));
  });

  test('N3: a change made against a stale ETag is refused with 412 and nothing is written', async () => {
    const first = await call('GET', '/users/bob');
    const tag = String(first.headers.etag);
    const ok = await call('PATCH', '/users/bob', {
      body: { profile: { given_name: 'Bob' } },
      headers: { 'if-match': tag },
    });
    assert.equal(ok.statusCode, 200, ok.body);
    const stale = await call('PATCH', '/users/bob', {
      body: { profile: { given_name: 'Robert' } },
      headers: { 'if-match': tag },
    });
    assert.equal(stale.statusCode, 412, stale.body);
    assert.equal((await fixture.stores.users.getByUsername('bob'))?.profile.given_name, 'Bob');
    const staleDelete = await call('DELETE', '/users/bob', { headers: { 'if-match': tag } });
    assert.equal(staleDelete.statusCode, 412);
    assert.ok(await fixture.stores.users.getByUsername('bob'));
  });

  test('N3: a change without If-Match is refused with 428', async () => {
    await call('POST', '/clients', {
      body: { name: 'N3 app', clientId: 'n3-app', redirectUris: ['https://n3.example/cb'] },
    });
    await call('POST', '/groups', { body: { name: 'n3-group' } });
    for (const [method, url, body] of [
      ['PATCH', '/clients/n3-app', { name: 'No tag' }],
      ['DELETE', '/clients/n3-app', undefined],
      ['PATCH', '/users/bob', { emailVerified: true }],
      ['DELETE', '/users/bob', undefined],
      ['DELETE', '/groups/n3-group', undefined],
    ] as const) {
      const response = await call(method, url, { body });
      assert.equal(response.statusCode, 428, `${method} ${url}: ${response.body}`);
    }
    assert.equal((await fixture.stores.clients.get('n3-app'))?.name, 'N3 app');
    assert.ok(await fixture.stores.groups.get('n3-group'));
  });

  test('unknown fields are refused with a problem naming them, and nothing is created', async () => {
    const cases = [
      ['POST', '/clients', { name: 'X', redirect_uris: ['https://x.example/cb'] }, 'body.redirect_uris'],
      ['POST', '/users', { username: 'zed', isAdmin: true }, 'body.isAdmin'],
      ['POST', '/groups', { name: 'g', members: [] }, 'body.members'],
      [
        'POST',
        '/users',
        { username: 'zed', profile: { given_name: 'Z' }, emailVerified: 'yes' },
        'body.emailVerified',
      ],
    ] as const;
    for (const [method, url, body, field] of cases) {
      const response = await call(method, url, { body });
      assert.equal(response.statusCode, 400, response.body);
      assert.match(String(response.headers['content-type']), /^application\/problem\+json/);
      assert.equal(response.json().field, field, response.body);
    }
    for (const [url, field] of [
      ['/users?sort=name', 'querystring.sort'],
      ['/groups?limit=5', 'querystring.limit'],
    ] as const) {
      const response = await call('GET', url);
      assert.equal(response.statusCode, 400, url);
      assert.equal(response.json().field, field, response.body);
    }
    assert.equal(await fixture.stores.users.getByUsername('zed'), undefined);
    assert.equal((await call('GET', '/users/zed')).statusCode, 404);
  });

  test('every route refuses an unknown query parameter and, where it takes a body, an unknown member', async () => {
    const before = (await fixture.stores.audit.list({ limit: 1000 })).length;
    for (const route of ROUTES) {
      const query = await call(route.method, `${route.url}?zzUnknown=1`, { body: route.body });
      assert.equal(query.statusCode, 400, `${route.method} ${route.path}: ${query.body}`);
      assert.equal(query.json().field, 'querystring.zzUnknown');
      if (route.body === undefined) continue;
      const body = await call(route.method, route.url, { body: { ...(route.body as object), zzUnknown: 1 } });
      assert.equal(body.statusCode, 400, `${route.method} ${route.path}: ${body.body}`);
      assert.equal(body.json().field, 'body.zzUnknown');
    }
    assert.equal((await fixture.stores.audit.list({ limit: 1000 })).length, before, 'nothing changed');
  });

  test('the service layer’s own checks answer 400 naming the field, 409 on a conflict', async () => {
    const bad = await call('POST', '/clients', { body: { name: 'Bad', redirectUris: ['ftp://x'] } });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.json().field, 'redirectUris[0]');
    const taken = await call('POST', '/users', { body: { username: 'root' } });
    assert.equal(taken.statusCode, 409);
    assert.equal(taken.json().code, 'ERR_CONFLICT');
  });

  test('lists are paged by an opaque cursor, limit at most 200, and searched by prefix', async () => {
    const { createUser } = await import('../../src/admin/index.js');
    for (let i = 0; i < 5; i++) await createUser(fixture.stores, { username: `page-${i}` });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = `/users?q=page-&limit=2${cursor === null ? '' : `&cursor=${cursor}`}`;
      const response = await call('GET', query);
      assert.equal(response.statusCode, 200, response.body);
      const page = response.json();
      assert.ok(page.items.length <= 2);
      seen.push(...page.items.map((u: { username: string }) => u.username));
      cursor = page.nextCursor;
    } while (cursor !== null);
    assert.deepEqual(seen, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4']);
    assert.equal((await call('GET', '/users?limit=201')).statusCode, 400);
    const badCursor = await call('GET', '/users?cursor=bm90LWpzb24');
    assert.equal(badCursor.statusCode, 400);
    assert.equal(badCursor.json().field, 'cursor');
    const audit = await call('GET', `/audit-events?type=admin.user.created&limit=1`);
    assert.equal(audit.json().items.length, 1);
    assert.notEqual(audit.json().nextCursor, null);
  });

  test('key rotation keeps the pre-publication guard: refused with 409 naming when it may run', async () => {
    // No body at all is an empty request (every member is optional).
    const refused = await call('POST', '/keys/rotate');
    assert.equal(refused.statusCode, 409, refused.body);
    assert.match(refused.json().detail, /published/);
    const keys = await call('GET', '/keys');
    assert.ok(keys.json().items.some((k: { state: string }) => k.state === 'current'));
  });
});

/** A live session of `username` (as if they had signed in), to end through the API. */
async function sessionFor(fixture: Fixture, username: string) {
  const user = await fixture.stores.users.getByUsername(username);
  const now = fixture.clock.now();
  const sid = `sid-${username}`;
  await fixture.stores.sessions.create({
    idHash: `hash-${username}`,
    sid,
    userId: user?.id ?? '',
    authTime: now,
    amr: ['pwd'],
    acr: null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + 3600,
    endedAt: null,
  });
  return { sid };
}
