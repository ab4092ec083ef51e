/**
 * The admin console (/admin): who gets in, what protects its forms (N2, S4, S5, S7), re-authentication
 * before sensitive actions, and each page and action over the admin service layer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { ADMIN_GROUP, addGroupMember, createClient, createUser, removeGroupMember } from '@latchkey/provider';
import type { LightMyRequestResponse } from 'fastify';
import { OVERVIEW_FIGURES_TTL } from '../../src/console/routes/overview.js';
import { hiddenInput, PASSWORD } from '../authorize/harness.js';
import {
  type ConsoleFixture,
  callbackLocation,
  consoleBrowser,
  consoleFixture,
  ISSUER,
  pathOf,
  postFrom,
  SAME_ORIGIN,
  signInThrough,
} from './fixture.js';

/** Configured secrets of the connectors below: the console must never show them. */
const UPSTREAM_SECRET = 'upstream-client-secret-8c1f0e';
const BIND_PASSWORD = 'directory-bind-password-77ad';
const CONNECTORS = [
  {
    id: 'corp',
    type: 'oidc',
    displayName: 'Corp SSO',
    issuer: 'https://sso.corp.example',
    clientId: 'latchkey-at-corp',
    clientSecret: UPSTREAM_SECRET,
    jit: 'create',
    claims: { name: 'name' },
    groups: { claim: 'roles', map: { 'corp-admins': 'operators' } },
    allowedEmailDomains: ['corp.example'],
  },
  {
    id: 'directory',
    type: 'ldap',
    displayName: 'Directory',
    url: 'ldaps://ldap.corp.example:636',
    bindDn: 'cn=latchkey,dc=corp,dc=example',
    bindPassword: BIND_PASSWORD,
    userBase: 'ou=people,dc=corp,dc=example',
  },
];

let f: ConsoleFixture;
before(async () => {
  f = await consoleFixture(ISSUER, { connectors: CONNECTORS });
  await createClient(f.stores, {
    name: 'Example App',
    clientId: 'example-app',
    redirectUris: ['https://app.example.com/cb'],
  });
});
after(() => f.close());

const PAGES = [
  '/admin',
  '/admin/clients',
  '/admin/clients/new',
  '/admin/clients/example-app',
  '/admin/clients/example-app/delete',
  '/admin/users',
  '/admin/users/new',
  '/admin/users/alice',
  '/admin/groups',
  '/admin/keys',
  '/admin/connectors',
  '/admin/settings',
  '/admin/audit',
];

const NEW_CLIENT = {
  name: 'Payroll',
  redirect_uris: 'https://payroll.example.com/callback',
  post_logout_redirect_uris: '',
  grant_types: 'authorization_code',
  scopes: 'openid profile',
  allowed_resources: '',
  token_endpoint_auth_method: '',
  id_token_signed_response_alg: 'RS256',
  jwks_uri: '',
  backchannel_logout_uri: '',
};

const secretOn = (page: LightMyRequestResponse) =>
  /<pre class="wrap secret"[^>]*><code>([^<]+)<\/code><\/pre>/.exec(page.body)?.[1];
const clientIdOn = (page: LightMyRequestResponse) =>
  /<dt>Client id<\/dt><dd><code>([^<]+)<\/code>/.exec(page.body)?.[1];

async function createClientInConsole(name: string) {
  const browser = await consoleBrowser(f);
  const created = await postFrom(browser, '/admin/clients/new', '/admin/clients', { ...NEW_CLIENT, name });
  assert.equal(created.statusCode, 200, created.body);
  const clientId = clientIdOn(created);
  assert.ok(clientId);
  return { browser, created, clientId };
}

describe('who gets into the console', () => {
  test('without a console session, a page answers 303 to the console sign-in, which sends the browser to /authorize with code + PKCE', async () => {
    const browser = f.browser();
    const first = await browser.get('/admin/users');
    assert.equal(first.statusCode, 303);
    assert.equal(first.headers.location, '/admin/sign-in?next=%2Fadmin%2Fusers');
    const start = await browser.get(pathOf(String(first.headers.location)));
    assert.equal(start.statusCode, 303);
    const authorize = new URL(String(start.headers.location));
    assert.equal(authorize.pathname, '/authorize');
    assert.equal(authorize.searchParams.get('client_id'), 'latchkey-console');
    assert.equal(authorize.searchParams.get('response_type'), 'code');
    assert.equal(authorize.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(authorize.searchParams.get('state'));
    assert.ok(authorize.searchParams.get('nonce'));
  });

  test('an administrator signs in through the provider and comes back to the page asked for', async () => {
    const browser = f.browser();
    const first = await browser.get('/admin/users');
    const back = await signInThrough(browser, first, 'root');
    assert.equal(back.headers.location, '/admin/users');
    const page = await browser.get('/admin/users');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<h1 id="page-title">Users<\/h1>/);
  });

  test('a user who is not in latchkey-admins gets a 403 page on every console page and action', async () => {
    const browser = f.browser();
    const back = await signInThrough(browser, await browser.get('/admin'), 'alice');
    const denied = await browser.get(pathOf(String(back.headers.location)));
    assert.equal(denied.statusCode, 403);
    assert.match(denied.body, /Not an administrator/);
    for (const page of PAGES) assert.equal((await browser.get(page)).statusCode, 403, page);
    const post = await browser.post('/admin/groups', { name: 'sneaky', csrf_token: 'x' }, SAME_ORIGIN);
    assert.equal(post.statusCode, 403);
    assert.equal(await f.stores.groups.get('sneaky'), undefined);
  });

  test('leaving latchkey-admins closes the console at once, without waiting for the session to end', async () => {
    const browser = await consoleBrowser(f);
    await removeGroupMember(f.stores, ADMIN_GROUP, 'root');
    try {
      assert.equal((await browser.get('/admin')).statusCode, 403);
    } finally {
      await addGroupMember(f.stores, ADMIN_GROUP, 'root');
    }
    assert.equal((await browser.get('/admin')).statusCode, 200);
  });

  test('N2: the console session ends with the provider session it came from', async () => {
    const browser = await consoleBrowser(f);
    assert.equal((await browser.get('/admin')).statusCode, 200);
    const sessions = await f.stores.sessions.listLiveByUser(f.admin.id, f.clock.now());
    await Promise.all(sessions.map((s) => f.stores.sessions.end(s.idHash, f.clock.now())));
    const after = await browser.get('/admin');
    assert.equal(after.statusCode, 303);
    assert.match(String(after.headers.location), /^\/admin\/sign-in/);
  });

  test('N2: an idle console session expires after 15 minutes', async () => {
    const browser = await consoleBrowser(f);
    f.clock.advance(14 * 60);
    assert.equal((await browser.get('/admin')).statusCode, 200, 'each page slides the idle lifetime');
    f.clock.advance(15 * 60 + 1);
    assert.equal((await browser.get('/admin')).statusCode, 303);
  });

  test('a forged or foreign console cookie is no session', async () => {
    const browser = await consoleBrowser(f);
    const value = browser.cookies.get('latchkey-console');
    assert.ok(value);
    browser.cookies.set('latchkey-console', `${value.slice(0, -4)}AAAA`);
    assert.equal((await browser.get('/admin')).statusCode, 303);
  });

  test('the longest return path a sign-in keeps still fits its cookie; a longer one returns to the overview', async () => {
    const long = `/admin/audit?type=${'a'.repeat(120 - '/admin/audit?type='.length)}`;
    for (const [next, expected] of [
      [long, long],
      [`${long}b`, '/admin'],
    ]) {
      const browser = f.browser();
      const back = await signInThrough(
        browser,
        await browser.get(`/admin/sign-in?next=${encodeURIComponent(next!)}`),
        'root',
      );
      assert.equal(back.headers.location, expected);
    }
  });

  test('one callback replayed in parallel opens at most one console session (the code is single use, A1)', async () => {
    const browser = f.browser();
    const location = await callbackLocation(browser, await browser.get('/admin'), 'root');
    const answers = await Promise.all(Array.from({ length: 6 }, () => browser.get(pathOf(location))));
    const opened = answers.filter((a) => a.statusCode === 303 && a.headers.location === '/admin');
    assert.equal(opened.length, 1, answers.map((a) => a.statusCode).join());
    for (const refused of answers.filter((a) => !opened.includes(a))) assert.equal(refused.statusCode, 400);
  });

  test('the sign-in never returns to a page outside the console', async () => {
    for (const next of [
      '//evil.example',
      'https://evil.example/admin',
      '/admin/../account',
      '/admin/%2e%2e/account',
      '/adminx',
      '/admin/callback',
    ]) {
      const browser = f.browser();
      const start = await browser.get(`/admin/sign-in?next=${encodeURIComponent(next)}`);
      assert.equal(start.statusCode, 303);
      const back = await signInThrough(browser, start, 'root');
      assert.equal(back.headers.location, '/admin', next);
    }
  });
});

describe('the pages', () => {
  test("S5 S7: every console page is HTML that cannot be framed, is never cached, and runs no script but the audit page's own file", async () => {
    const browser = await consoleBrowser(f);
    for (const path of PAGES) {
      const page = await browser.get(path);
      assert.equal(page.statusCode, 200, path);
      const csp = String(page.headers['content-security-policy']);
      assert.match(csp, /frame-ancestors 'none'/, path);
      assert.match(csp, /default-src 'none'/, path);
      assert.equal(page.headers['x-frame-options'], 'DENY', path);
      assert.equal(page.headers['cache-control'], 'no-store', path);
      assert.equal(page.headers['referrer-policy'], 'no-referrer', path);
      assert.match(page.body, /<nav class="console-nav" aria-label="Console">/, path);
      const scripts = page.body.match(/<script[^>]*>/gi) ?? [];
      if (path === '/admin/audit') {
        assert.match(csp, /script-src 'self'(;|$)/);
        assert.match(csp, /connect-src 'self'(;|$)/);
        assert.deepEqual(scripts, ['<script src="/admin/assets/follow-audit.js" defer>']);
      } else {
        assert.doesNotMatch(csp, /script-src|connect-src/, path);
        assert.deepEqual(scripts, [], path);
      }
    }
  });

  test('the console script is served by the provider as JavaScript, far under 50 kB gzipped', async () => {
    const response = await f.app.inject({ method: 'GET', url: '/admin/assets/follow-audit.js' });
    assert.equal(response.statusCode, 200);
    assert.match(String(response.headers['content-type']), /^text\/javascript/);
    assert.equal(response.headers['x-content-type-options'], 'nosniff');
    const gzipped = gzipSync(response.rawPayload).length;
    assert.ok(gzipped < 50 * 1024, `${gzipped} bytes`);
  });

  test("the overview counts users, clients and groups, the last day's sign-ins, keys and recent events", async () => {
    const browser = await consoleBrowser(f);
    const page = await browser.get('/admin');
    assert.match(page.body, /<strong>\d+<\/strong> <a href="\/admin\/users">users<\/a>/);
    assert.match(page.body, /<strong>[1-9]\d*<\/strong> sign-ins in the last day/);
    assert.match(page.body, /<strong>current<\/strong>/);
    assert.match(page.body, /Next scheduled rotation: <time/);
    assert.match(page.body, /<code>sign_in\.success<\/code>/);
  });

  test('the overview reads its counts at most every OVERVIEW_FIGURES_TTL seconds, then anew', async () => {
    const browser = await consoleBrowser(f);
    const usersCount = async () =>
      Number(
        /<strong>(\d+)<\/strong> <a href="\/admin\/users">users<\/a>/.exec(
          (await browser.get('/admin')).body,
        )?.[1],
      );
    f.clock.advance(OVERVIEW_FIGURES_TTL);
    const before = await usersCount();
    await createUser(f.stores, { username: 'counted-later' });
    assert.equal(await usersCount(), before, 'within the TTL the figures are the ones read');
    f.clock.advance(OVERVIEW_FIGURES_TTL);
    assert.equal(await usersCount(), before + 1);
  });

  test('S6: on an https issuer the console cookies are __Host- prefixed and Secure', async () => {
    const https = await consoleFixture('https://id.example.com');
    try {
      const browser = https.browser();
      const start = await browser.get('/admin');
      const back = await signInThrough(browser, start, 'root', 'https://id.example.com');
      assert.equal(back.headers.location, '/admin');
      const cookies = ([] as string[]).concat(back.headers['set-cookie'] as string[] | string);
      const session = cookies.find((c) => c.startsWith('__Host-latchkey-console='));
      assert.ok(session, cookies.join('\n'));
      assert.match(session, /; Secure/);
      assert.match(session, /; Path=\//);
      assert.doesNotMatch(session, /Domain=/);
      assert.equal((await browser.get('/admin')).statusCode, 200);
    } finally {
      await https.close();
    }
  });

  test('signing out ends the console session and goes on to the provider sign-out', async () => {
    const browser = await consoleBrowser(f);
    const out = await postFrom(browser, '/admin', '/admin/sign-out');
    assert.equal(out.statusCode, 303);
    assert.equal(out.headers.location, '/logout');
    assert.equal(browser.cookies.has('latchkey-console'), false);
    assert.equal((await browser.get('/admin')).statusCode, 303);
  });

  test('a console session cookie is HttpOnly and SameSite=Lax', async () => {
    const browser = f.browser();
    const back = await signInThrough(browser, await browser.get('/admin'), 'root');
    const cookies = ([] as string[]).concat(back.headers['set-cookie'] as string[] | string);
    const session = cookies.find((c) => c.startsWith('latchkey-console='));
    assert.ok(session);
    assert.match(session, /HttpOnly/);
    assert.match(session, /SameSite=Lax/);
  });
});

describe('the forms (N2, S4)', () => {
  test('N2: a console form without the CSRF token is refused and changes nothing', async () => {
    const browser = await consoleBrowser(f);
    const response = await browser.post('/admin/groups', { name: 'no-token' }, SAME_ORIGIN);
    assert.equal(response.statusCode, 403);
    assert.equal(await f.stores.groups.get('no-token'), undefined);
  });

  test("N2: the CSRF token of another admin's console session is refused", async () => {
    const mine = await consoleBrowser(f);
    const theirs = await consoleBrowser(f);
    const token = hiddenInput((await theirs.get('/admin/groups')).body, 'csrf_token');
    const response = await mine.post(
      '/admin/groups',
      { name: 'stolen-token', csrf_token: token },
      SAME_ORIGIN,
    );
    assert.equal(response.statusCode, 403);
    assert.equal(await f.stores.groups.get('stolen-token'), undefined);
  });

  test('S4: a cross-origin console POST is refused even with the right token', async () => {
    const browser = await consoleBrowser(f);
    const attempts: Record<string, string>[] = [
      { origin: 'https://evil.example' },
      { 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of attempts) {
      const response = await postFrom(
        browser,
        '/admin/groups',
        '/admin/groups',
        { name: 'cross-site' },
        headers,
      );
      assert.equal(response.statusCode, 403);
      assert.match(response.body, /sent from another site/);
    }
    assert.equal(await f.stores.groups.get('cross-site'), undefined);
  });

  test('a console form POST without a console session is sent to sign in and changes nothing', async () => {
    const browser = f.browser();
    const response = await browser.post('/admin/groups', { name: 'anonymous', csrf_token: 'x' }, SAME_ORIGIN);
    assert.equal(response.statusCode, 303);
    assert.equal(response.headers.location, '/admin/sign-in');
    assert.equal(await f.stores.groups.get('anonymous'), undefined);
  });
});

describe('re-authentication before sensitive actions (N2)', () => {
  test('N2: deleting a client with a sign-in older than 5 minutes asks for a fresh one (max_age=300), then deletes after confirming again', async () => {
    const { browser, clientId } = await createClientInConsole('Stale delete');
    f.clock.advance(301);
    const stale = await postFrom(
      browser,
      `/admin/clients/${clientId}/delete`,
      `/admin/clients/${clientId}/delete`,
      {
        confirm: clientId,
      },
    );
    assert.equal(stale.statusCode, 303);
    assert.equal(
      stale.headers.location,
      `/admin/sign-in?reauth=1&next=${encodeURIComponent(`/admin/clients/${clientId}/delete`)}`,
    );
    assert.ok(await f.stores.clients.get(clientId), 'nothing deleted yet');
    const start = await browser.get(pathOf(String(stale.headers.location)));
    const authorize = new URL(String(start.headers.location));
    assert.equal(authorize.searchParams.get('max_age'), '300');
    const asked = await browser.get(pathOf(String(start.headers.location)));
    assert.match(
      asked.body,
      /<form method="post" action="\/login">/,
      'the provider asks for the password again',
    );
    const back = await signInThrough(browser, asked, 'root');
    assert.equal(back.headers.location, `/admin/clients/${clientId}/delete`);
    const deleted = await postFrom(
      browser,
      `/admin/clients/${clientId}/delete`,
      `/admin/clients/${clientId}/delete`,
      {
        confirm: clientId,
      },
    );
    assert.equal(deleted.statusCode, 303);
    assert.equal(deleted.headers.location, '/admin/clients?done=client-deleted');
    assert.equal(await f.stores.clients.get(clientId), undefined);
  });

  test('N2: rotating keys and resetting a password with a stale sign-in are sent to re-authenticate and change nothing', async () => {
    const browser = await consoleBrowser(f);
    f.clock.advance(301);
    const before = JSON.stringify(await f.keyManager.list());
    const rotate = await postFrom(browser, '/admin/keys', '/admin/keys/rotate', {
      ignore_publication_delay: 'on',
    });
    assert.equal(rotate.statusCode, 303);
    assert.match(String(rotate.headers.location), /^\/admin\/sign-in\?reauth=1&next=%2Fadmin%2Fkeys$/);
    assert.equal(JSON.stringify(await f.keyManager.list()), before);
    const hash = (await f.stores.users.getByUsername('alice'))?.passwordHash;
    const reset = await postFrom(browser, '/admin/users/alice', '/admin/users/alice/password', {
      new_password: 'another long passphrase here',
    });
    assert.equal(reset.statusCode, 303);
    assert.match(
      String(reset.headers.location),
      /^\/admin\/sign-in\?reauth=1&next=%2Fadmin%2Fusers%2Falice$/,
    );
    assert.equal((await f.stores.users.getByUsername('alice'))?.passwordHash, hash);
  });

  test('N2: a CSRF-less sensitive POST is refused before any re-authentication', async () => {
    const browser = await consoleBrowser(f);
    f.clock.advance(301);
    const response = await browser.post('/admin/keys/rotate', {}, SAME_ORIGIN);
    assert.equal(response.statusCode, 403);
  });
});

describe('clients', () => {
  test('creating a client shows its secret once; the client page, the audit log and the logs never hold it', async () => {
    const { browser, created, clientId } = await createClientInConsole('Payroll');
    const secret = secretOn(created);
    assert.ok(secret && secret.length >= 32);
    assert.match(created.body, /shown only this once/);
    const page = await browser.get(`/admin/clients/${clientId}`);
    assert.equal(page.statusCode, 200);
    assert.ok(!page.body.includes(secret));
    const client = await f.stores.clients.get(clientId);
    assert.deepEqual(client?.redirectUris, ['https://payroll.example.com/callback']);
    assert.deepEqual(client?.scopes, ['openid', 'profile']);
    const audit = JSON.stringify(await f.stores.audit.list({ limit: 1000 }));
    assert.ok(!audit.includes(secret), 'not in the audit log');
    assert.ok(!f.logLines.join('').includes(secret), 'not in the logs');
    const event = (await f.stores.audit.list({ limit: 1000, type: 'admin.client.created' })).find(
      (e) => e.clientId === clientId,
    );
    assert.deepEqual(event?.details?.['actor'], { type: 'console', id: f.admin.id });
  });

  test('editing a client changes its redirect URIs and every other field, audited as the console admin', async () => {
    const { browser, clientId } = await createClientInConsole('Edited app');
    const saved = await postFrom(browser, `/admin/clients/${clientId}`, `/admin/clients/${clientId}`, {
      ...NEW_CLIENT,
      name: 'Edited app renamed',
      redirect_uris: 'https://edited.example.com/one\r\nhttps://edited.example.com/two',
      post_logout_redirect_uris: 'https://edited.example.com/bye',
      scopes: 'openid email',
      backchannel_logout_uri: 'https://edited.example.com/logout',
    });
    assert.equal(saved.statusCode, 303);
    assert.equal(saved.headers.location, `/admin/clients/${clientId}?done=client-updated`);
    const client = await f.stores.clients.get(clientId);
    assert.equal(client?.name, 'Edited app renamed');
    assert.deepEqual(client?.redirectUris, [
      'https://edited.example.com/one',
      'https://edited.example.com/two',
    ]);
    assert.deepEqual(client?.postLogoutRedirectUris, ['https://edited.example.com/bye']);
    assert.deepEqual(client?.scopes, ['openid', 'email']);
    assert.equal(client?.backchannelLogoutUri, 'https://edited.example.com/logout');
    const page = await browser.get(String(saved.headers.location));
    assert.match(page.body, /The client was saved/);
  });

  test('a refused edit shows the form again with the reason and what was typed, and changes nothing', async () => {
    const { browser, clientId } = await createClientInConsole('Refused edit');
    const refused = await postFrom(browser, `/admin/clients/${clientId}`, `/admin/clients/${clientId}`, {
      ...NEW_CLIENT,
      name: 'Refused edit',
      redirect_uris: 'https://ok.example.com/cb\nhttps://bad.example.com/cb#fragment',
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /<p class="alert" role="alert">redirectUris\[1\]/);
    assert.match(refused.body, /https:\/\/bad\.example\.com\/cb#fragment/);
    assert.deepEqual((await f.stores.clients.get(clientId))?.redirectUris, [
      'https://payroll.example.com/callback',
    ]);
  });

  test('rotating a secret shows the new one once and the old one stops working', async () => {
    const { browser, created, clientId } = await createClientInConsole('Rotated');
    const first = secretOn(created);
    const rotated = await postFrom(
      browser,
      `/admin/clients/${clientId}`,
      `/admin/clients/${clientId}/secret`,
      {
        keep_old_for: '0',
      },
    );
    assert.equal(rotated.statusCode, 200);
    const second = secretOn(rotated);
    assert.ok(second && second !== first);
    const client = await f.stores.clients.get(clientId);
    assert.equal(client?.previousSecret, null);
    const audit = JSON.stringify(await f.stores.audit.list({ limit: 1000 }));
    assert.ok(!audit.includes(second) && !f.logLines.join('').includes(second));
    assert.ok(audit.includes('admin.client.secret_rotated'));
  });

  test('disabling and enabling a client', async () => {
    const { browser, clientId } = await createClientInConsole('Toggled');
    const off = await postFrom(browser, `/admin/clients/${clientId}`, `/admin/clients/${clientId}/status`, {
      disabled: 'true',
    });
    assert.equal(off.headers.location, `/admin/clients/${clientId}?done=client-disabled`);
    assert.equal((await f.stores.clients.get(clientId))?.disabled, true);
    await postFrom(browser, `/admin/clients/${clientId}`, `/admin/clients/${clientId}/status`, {
      disabled: 'false',
    });
    assert.equal((await f.stores.clients.get(clientId))?.disabled, false);
  });

  test('the delete confirmation names the client, and a confirmation naming another client deletes nothing', async () => {
    const { browser, clientId } = await createClientInConsole('Named for deletion');
    const confirm = await browser.get(`/admin/clients/${clientId}/delete`);
    assert.match(
      confirm.body,
      new RegExp(`Delete the client <strong>Named for deletion</strong> \\(<code>${clientId}</code>\\)`),
    );
    const wrong = await postFrom(
      browser,
      `/admin/clients/${clientId}/delete`,
      `/admin/clients/${clientId}/delete`,
      {
        confirm: 'latchkey-console',
      },
    );
    assert.equal(wrong.statusCode, 400);
    assert.ok(await f.stores.clients.get(clientId));
  });

  test("the console's own client is shown but cannot be changed, disabled or deleted from the console", async () => {
    const browser = await consoleBrowser(f);
    const page = await browser.get('/admin/clients/latchkey-console');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /This is the console's own client/);
    assert.doesNotMatch(page.body, /Save changes|Disable this client|Delete this client/);
    const before = JSON.stringify(await f.stores.clients.get('latchkey-console'));
    for (const [action, fields] of [
      ['/admin/clients/latchkey-console/status', { disabled: 'true' }],
      ['/admin/clients/latchkey-console', { ...NEW_CLIENT, name: 'Latchkey console' }],
      ['/admin/clients/latchkey-console/delete', { confirm: 'latchkey-console' }],
    ] as const) {
      const response = await postFrom(browser, '/admin/clients', action, fields);
      assert.equal(response.statusCode, 400, action);
    }
    assert.equal(JSON.stringify(await f.stores.clients.get('latchkey-console')), before);
  });

  test('the list searches by the start of a name or of a client id, a page at a time', async () => {
    await createClient(f.stores, {
      name: 'Searchable Zebra',
      redirectUris: ['https://zebra.example.com/cb'],
    });
    const browser = await consoleBrowser(f);
    const found = await browser.get('/admin/clients?q=searchable%20z');
    assert.match(found.body, /Searchable Zebra/);
    assert.doesNotMatch(found.body, />Latchkey console</);
    const byId = await browser.get('/admin/clients?q=LATCHKEY-CON');
    assert.match(byId.body, />Latchkey console</);
    // A prefix, not a substring: the index serves it (issue 15).
    const none = await browser.get('/admin/clients?q=zebra');
    assert.match(none.body, /No client matches/);
  });
});

describe('users', () => {
  test('a long user list shows 200 and links the next page, which shows the rest', async () => {
    await Promise.all(
      Array.from({ length: 205 }, (_, i) =>
        createUser(f.stores, { username: `bulk-${String(i).padStart(3, '0')}` }),
      ),
    );
    const browser = await consoleBrowser(f);
    const rows = (body: string) => (body.match(/<tr><td><a href="\/admin\/users\/bulk-/g) ?? []).length;
    const page = await browser.get('/admin/users?q=bulk-');
    assert.equal(rows(page.body), 200);
    const next = /<a class="button secondary small" href="([^"]+)" rel="next">Next page<\/a>/.exec(page.body);
    assert.ok(next, 'a link to the next page');
    const second = await browser.get(next[1]!.replaceAll('&amp;', '&'));
    assert.equal(rows(second.body), 5);
    assert.match(second.body, /bulk-204/);
    assert.doesNotMatch(second.body, /rel="next"/);
    const narrow = await browser.get('/admin/users?q=bulk-20');
    assert.equal(rows(narrow.body), 5);
    assert.doesNotMatch(narrow.body, /rel="next"/);
  });

  test('creating a user, editing the profile and email_verified, and groups', async () => {
    const browser = await consoleBrowser(f);
    const created = await postFrom(browser, '/admin/users/new', '/admin/users', {
      username: 'carol',
      email: 'carol@example.com',
      name: 'Carol',
      password: '',
    });
    assert.equal(created.headers.location, '/admin/users/carol?done=user-created');
    const saved = await postFrom(browser, '/admin/users/carol', '/admin/users/carol/profile', {
      email: 'carol@example.org',
      email_verified: 'on',
      name: 'Carol Example',
      given_name: 'Carol',
    });
    assert.equal(saved.headers.location, '/admin/users/carol?done=user-updated');
    const carol = await f.stores.users.getByUsername('carol');
    assert.equal(carol?.email, 'carol@example.org');
    assert.equal(carol?.emailVerified, true);
    assert.equal(carol?.profile.name, 'Carol Example');
    assert.equal(carol?.profile.given_name, 'Carol');
    await postFrom(browser, '/admin/groups', '/admin/groups', { name: 'payroll' });
    const added = await postFrom(browser, '/admin/users/carol', '/admin/users/carol/groups', {
      group: 'payroll',
      change: 'add',
    });
    assert.equal(added.headers.location, '/admin/users/carol?done=group-added');
    assert.deepEqual(await f.stores.groups.groupsOf(carol!.id), ['payroll']);
    await postFrom(browser, '/admin/users/carol', '/admin/users/carol/groups', {
      group: 'payroll',
      change: 'remove',
    });
    assert.deepEqual(await f.stores.groups.groupsOf(carol!.id), []);
  });

  test('a refused new user keeps what was typed and names the problem', async () => {
    const browser = await consoleBrowser(f);
    const refused = await postFrom(browser, '/admin/users/new', '/admin/users', {
      username: 'dave',
      email: 'not an email',
      name: 'Dave',
    });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /is not an email address/);
    assert.match(refused.body, /value="dave"/);
    assert.equal(await f.stores.users.getByUsername('dave'), undefined);
  });

  test("an admin sees and ends a user's session, and revokes a consent", async () => {
    // alice signs in (to the console, which refuses her): a provider session and a consent exist.
    const alice = f.browser();
    await signInThrough(alice, await alice.get('/admin'), 'alice');
    const [session] = await f.stores.sessions.listLiveByUser(f.plain.id, f.clock.now());
    assert.ok(session);
    assert.ok(await f.stores.consents.get(f.plain.id, 'latchkey-console'));
    const browser = await consoleBrowser(f);
    const page = await browser.get('/admin/users/alice');
    assert.ok(page.body.includes(`name="sid" value="${session.sid}"`));
    const ended = await postFrom(browser, '/admin/users/alice', '/admin/users/alice/sessions/end', {
      sid: session.sid,
    });
    assert.equal(ended.headers.location, '/admin/users/alice?done=session-ended');
    assert.notEqual((await f.stores.sessions.getBySid(session.sid))?.endedAt, null);
    const revoked = await postFrom(browser, '/admin/users/alice', '/admin/users/alice/consents/revoke', {
      client_id: 'latchkey-console',
    });
    assert.equal(revoked.headers.location, '/admin/users/alice?done=consent-revoked');
    assert.equal(await f.stores.consents.get(f.plain.id, 'latchkey-console'), undefined);
    const audit = await f.stores.audit.list({ limit: 50, userId: f.plain.id });
    assert.ok(audit.some((e) => e.type === 'admin.session.ended'));
    assert.ok(audit.some((e) => e.type === 'admin.consent.revoked'));
  });

  test('a session of another user is not found and nothing ends', async () => {
    const browser = await consoleBrowser(f);
    const [own] = await f.stores.sessions.listLiveByUser(f.admin.id, f.clock.now());
    const response = await postFrom(browser, '/admin/users/alice', '/admin/users/alice/sessions/end', {
      sid: own!.sid,
    });
    assert.equal(response.statusCode, 404);
    assert.equal((await f.stores.sessions.getBySid(own!.sid))?.endedAt, null);
  });

  test('an administrator cannot disable themselves or leave latchkey-admins from the console', async () => {
    const browser = await consoleBrowser(f);
    const off = await postFrom(browser, '/admin/users/root', '/admin/users/root/status', {
      disabled: 'true',
    });
    assert.equal(off.statusCode, 400);
    assert.match(off.body, /you cannot disable your own account/);
    const leave = await postFrom(browser, '/admin/users/root', '/admin/users/root/groups', {
      group: ADMIN_GROUP,
      change: 'remove',
    });
    assert.equal(leave.statusCode, 400);
    assert.equal((await f.stores.users.getByUsername('root'))?.disabled, false);
    assert.deepEqual(await f.stores.groups.groupsOf(f.admin.id), [ADMIN_GROUP]);
  });

  test('with a fresh sign-in, resetting a password, and disabling a user', async () => {
    const browser = await consoleBrowser(f);
    await postFrom(browser, '/admin/users/new', '/admin/users', { username: 'erin', password: '' });
    const reset = await postFrom(browser, '/admin/users/erin', '/admin/users/erin/password', {
      new_password: 'a brand new long passphrase',
    });
    assert.equal(reset.headers.location, '/admin/users/erin?done=password-set');
    assert.ok((await f.stores.users.getByUsername('erin'))?.passwordHash);
    const off = await postFrom(browser, '/admin/users/erin', '/admin/users/erin/status', {
      disabled: 'true',
    });
    assert.equal(off.headers.location, '/admin/users/erin?done=user-disabled');
    assert.equal((await f.stores.users.getByUsername('erin'))?.disabled, true);
  });
});

describe('second factors', () => {
  /** A user with an authenticator app, two recovery codes (one used) and a named passkey. */
  async function userWithFactors(username: string) {
    const user = await createUser(f.stores, { username, password: PASSWORD });
    const at = f.clock.now();
    await f.stores.factors.beginTotp(user.id, 'v1.sealed', at);
    await f.stores.factors.confirmTotp(user.id, 1, [`one-${username}`, `two-${username}`], at);
    await f.stores.factors.useRecoveryCode(user.id, `one-${username}`, at);
    await f.stores.factors.addPasskey({
      credentialId: `cred-${username}`,
      userId: user.id,
      name: 'Work laptop',
      publicKey: 'pk',
      counter: 0,
      transports: [],
      backedUp: false,
      createdAt: at,
      lastUsedAt: null,
    });
    return user;
  }

  test("an admin sees a user's authenticator app, passkeys by name and recovery codes, never a secret", async () => {
    await userWithFactors('frank');
    const browser = await consoleBrowser(f);
    const page = await browser.get('/admin/users/frank');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<dt>Authenticator app<\/dt><dd>enrolled /);
    assert.match(page.body, /<dt>Recovery codes<\/dt><dd>1 remaining, 1 used/);
    assert.match(
      page.body,
      /<strong>Work laptop<\/strong><span class="meta">Passkey added <time[^>]*>[^<]*<\/time> · never used/,
    );
    assert.match(page.body, /action="\/admin\/users\/frank\/factors\/reset"/);
    assert.doesNotMatch(page.body, /v1\.sealed|cred-frank|two-frank/);
    const none = await browser.get('/admin/users/alice');
    assert.match(none.body, /<dt>Authenticator app<\/dt><dd>not enrolled<\/dd>/);
    assert.doesNotMatch(none.body, /Reset second factors/);
  });

  test('N2: resetting second factors with a stale sign-in is sent to re-authenticate and removes nothing', async () => {
    const user = await userWithFactors('grace');
    const browser = await consoleBrowser(f);
    f.clock.advance(301);
    const reset = await postFrom(browser, '/admin/users/grace', '/admin/users/grace/factors/reset');
    assert.equal(reset.statusCode, 303);
    assert.match(
      String(reset.headers.location),
      /^\/admin\/sign-in\?reauth=1&next=%2Fadmin%2Fusers%2Fgrace$/,
    );
    assert.ok(await f.stores.factors.getTotp(user.id));
    assert.equal((await f.stores.factors.listPasskeys(user.id)).length, 1);
  });

  test('N2: resetting second factors without the CSRF token is refused and removes nothing', async () => {
    const user = await userWithFactors('heidi');
    const browser = await consoleBrowser(f);
    const reset = await browser.post('/admin/users/heidi/factors/reset', {}, SAME_ORIGIN);
    assert.equal(reset.statusCode, 403);
    assert.ok(await f.stores.factors.getTotp(user.id));
  });

  test('with a fresh sign-in, a reset removes every factor, is audited as the console admin, and the user sees it', async () => {
    const user = await userWithFactors('ivan');
    const browser = await consoleBrowser(f);
    const reset = await postFrom(browser, '/admin/users/ivan', '/admin/users/ivan/factors/reset');
    assert.equal(reset.headers.location, '/admin/users/ivan?done=factors-reset');
    assert.equal(await f.stores.factors.getTotp(user.id), undefined);
    assert.deepEqual(await f.stores.factors.listPasskeys(user.id), []);
    assert.equal((await f.stores.factors.recoveryCodes(user.id)).remaining, 0);
    const events = await f.stores.audit.list({
      limit: 10,
      type: 'admin.user.factors_reset',
      userId: user.id,
    });
    assert.equal(events.length, 1);
    assert.deepEqual(events[0]?.details?.actor, { type: 'console', id: f.admin.id });
    assert.equal(events[0]?.details?.removed, true);
    const page = await browser.get('/admin/users/ivan');
    assert.match(page.body, /<dt>Authenticator app<\/dt><dd>not enrolled<\/dd>/);
    // The user, signed in with the password alone now, reads it among their security events.
    const own = f.browser();
    const form = await own.get('/account');
    const signedIn = await own.post(
      '/account/sign-in',
      { csrf_token: hiddenInput(form.body, 'csrf_token'), username: 'ivan', password: PASSWORD },
      SAME_ORIGIN,
    );
    assert.equal(signedIn.statusCode, 303);
    const account = await own.get('/account');
    assert.match(account.body, /An administrator reset your two-step verification/);
  });
});

describe('groups, keys and audit', () => {
  test('groups are created and deleted; the administrators group cannot be deleted here', async () => {
    const browser = await consoleBrowser(f);
    const created = await postFrom(browser, '/admin/groups', '/admin/groups', { name: 'temporary' });
    assert.equal(created.headers.location, '/admin/groups?done=group-created');
    const deleted = await postFrom(browser, '/admin/groups', '/admin/groups/temporary/delete');
    assert.equal(deleted.headers.location, '/admin/groups?done=group-deleted');
    assert.equal(await f.stores.groups.get('temporary'), undefined);
    const refused = await postFrom(browser, '/admin/groups', `/admin/groups/${ADMIN_GROUP}/delete`);
    assert.equal(refused.statusCode, 400);
    assert.ok(await f.stores.groups.get(ADMIN_GROUP));
    const bad = await postFrom(browser, '/admin/groups', '/admin/groups', { name: 'Not A Name' });
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body, /is not a group name/);
  });

  test('the keys page explains the pre-publication guard; a rotation it refuses says so, an emergency one rotates', async () => {
    const browser = await consoleBrowser(f);
    const page = await browser.get('/admin/keys');
    assert.match(page.body, /pre-publication guard/);
    assert.match(page.body, /&quot;keys&quot;/, 'the JWKS is shown');
    const refused = await postFrom(browser, '/admin/keys', '/admin/keys/rotate');
    assert.equal(refused.statusCode, 409);
    assert.match(refused.body, /Rotation refused: .*must be published for/);
    const currentBefore = (await f.keyManager.list()).find((k) => k.state === 'current')?.kid;
    const forced = await postFrom(browser, '/admin/keys', '/admin/keys/rotate', {
      ignore_publication_delay: 'on',
    });
    assert.equal(forced.headers.location, '/admin/keys?done=rotated');
    const currentAfter = (await f.keyManager.list()).find((k) => k.state === 'current')?.kid;
    assert.notEqual(currentAfter, currentBefore);
    const [event] = await f.stores.audit.list({ limit: 1, type: 'admin.keys.rotated' });
    assert.deepEqual(event?.details?.['actor'], { type: 'console', id: f.admin.id });
  });

  test('the audit page filters by type, type prefix, user, client and day', async () => {
    const browser = await consoleBrowser(f);
    const byType = await browser.get('/admin/audit?type=sign_in.success');
    assert.match(byType.body, /<code>sign_in\.success<\/code>/);
    assert.doesNotMatch(byType.body, /<td><code>admin\./);
    const byPrefix = await browser.get('/admin/audit?type=admin.');
    assert.doesNotMatch(byPrefix.body, /<td><code>sign_in\./);
    assert.match(byPrefix.body, /<td><code>admin\./);
    const byUser = await browser.get('/admin/audit?user=alice');
    assert.ok(byUser.body.includes(f.plain.id));
    assert.ok(!byUser.body.includes(`<code>${f.admin.id}</code></td>`));
    const byClient = await browser.get('/admin/audit?client=latchkey-console&type=sign_in.success');
    assert.match(byClient.body, /<td>latchkey-console<\/td>/);
    const day = new Date(f.clock.now() * 1000).toISOString().slice(0, 10);
    const today = await browser.get(`/admin/audit?since=${day}&until=${day}`);
    assert.match(today.body, /<code>sign_in\.success<\/code>/);
    const future = await browser.get('/admin/audit?since=2100-01-01');
    assert.match(future.body, /No event matches/);
    const bad = await browser.get('/admin/audit?since=yesterday');
    assert.equal(bad.statusCode, 400);
  });
});

describe('connectors', () => {
  test('an administrator sees each configured connector, its mappings and linked identities, and never a secret', async () => {
    await f.stores.identities.link({
      connectorId: 'corp',
      issuer: 'https://sso.corp.example',
      subject: 'corp-42',
      userId: f.plain.id,
      email: null,
      createdAt: f.clock.now(),
      lastUsedAt: f.clock.now(),
    });
    const browser = await consoleBrowser(f);
    const page = await browser.get('/admin/connectors');
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<a href="\/admin\/connectors" aria-current="page">Connectors<\/a>/);
    assert.match(page.body, /<h2 id="connector-corp">Corp SSO<\/h2>/);
    assert.match(page.body, /<dt>Issuer<\/dt><dd><code>https:\/\/sso\.corp\.example<\/code>/);
    assert.match(page.body, /<dt>Client id<\/dt><dd><code>latchkey-at-corp<\/code>/);
    assert.match(page.body, /<code>corp-admins<\/code> becomes <code>operators<\/code>/);
    assert.match(page.body, /<dt>Allowed email domains<\/dt><dd>corp\.example<\/dd>/);
    assert.match(page.body, /<dt>LDAP URL<\/dt><dd><code>ldaps:\/\/ldap\.corp\.example:636<\/code>/);
    assert.match(
      page.body,
      /<dt>Linked identities<\/dt><dd>1<\/dd>[\s\S]*<dt>Linked identities<\/dt><dd>0<\/dd>/,
    );
    assert.match(page.body, /<dt>Client secret<\/dt><dd>••••<\/dd>/);
    assert.match(page.body, /<dt>Bind password<\/dt><dd>••••<\/dd>/);
    assert.ok(!page.body.includes(UPSTREAM_SECRET), 'the upstream client secret is on the page');
    assert.ok(!page.body.includes(BIND_PASSWORD), 'the LDAP bind password is on the page');
  });
});
