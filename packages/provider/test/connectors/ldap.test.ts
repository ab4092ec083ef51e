import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createClient, createUser } from '@latchkey/provider';
import type { PasswordConnector } from '../../src/connectors/connector.js';
import { ConnectorUnavailableError } from '../../src/connectors/connector.js';
import { parseConnectors } from '../../src/connectors/parse-config.js';
import { findConnectorType } from '../../src/connectors/registry.js';
import { ACCOUNT_POLICY } from '../../src/login/rate-limiter.js';
import { sha256 } from '../../src/sessions/hash.js';
import {
  authorizeParams,
  Browser,
  createHarness,
  type Harness,
  hiddenInput,
  PASSWORD,
  pkcePair,
  responseParams,
} from '../authorize/harness.js';
import { basicAuth } from '../helpers/basic-auth.js';

const ORIGIN = { origin: 'http://localhost:8080' };

import { SERVICE, Slapd, SUFFIX } from './slapd.js';

let slapd: Slapd;

before(async () => {
  slapd = await new Slapd().start();
});

after(async () => {
  await slapd?.stop();
});

function ldapSettings(extra: Record<string, unknown> = {}) {
  return {
    id: 'dir',
    type: 'ldap',
    displayName: 'Company Directory',
    url: slapd.url,
    startTls: true,
    caFile: slapd.caFile,
    bindDn: SERVICE.dn,
    bindPassword: SERVICE.password,
    userBase: `ou=people,${SUFFIX}`,
    userFilter: '(&(objectClass=inetOrgPerson)(!(employeeType=disabled)))',
    claims: { name: 'cn', given_name: 'givenName' },
    groups: { map: { engineers: 'eng' } },
    ...extra,
  };
}

function connector(extra: Record<string, unknown> = {}): PasswordConnector {
  const parsed = parseConnectors([ldapSettings(extra)]);
  assert.ok(parsed.ok, parsed.ok ? '' : parsed.problem);
  const [config] = parsed.value;
  const made = findConnectorType('ldap')?.create(config as never, { fetch, now: Date.now, callbackUrl: '' });
  assert.equal(made?.kind, 'password');
  return made as PasswordConnector;
}

describe('LDAP connector against a real slapd', () => {
  test('checks the password by binding as the person (StartTLS with the test CA), and reads the profile and groups', async () => {
    const dir = connector();
    const alice = await dir.verify('alice', 'alice-directory-pass');
    assert.ok(alice);
    assert.equal(alice.key.issuer, slapd.url);
    assert.match(alice.key.subject, /^[0-9a-f-]{36}$/, 'entryUUID, stable across renames');
    assert.equal(alice.verifiedEmail, 'alice@dir.example');
    assert.equal(alice.claims['cn'], 'Alice Directory');
    assert.deepEqual(alice.groups, ['engineers']);
    assert.deepEqual(alice.amr, ['pwd']);
    assert.equal(await dir.verify('alice', 'wrong-password'), undefined);
    assert.equal(await dir.verify('nobody', 'alice-directory-pass'), undefined);
  });

  test('reads groups by a group search as well as by memberOf', async () => {
    const dir = connector({ groupSearch: 'search', groupBase: `ou=groups,${SUFFIX}` });
    assert.deepEqual((await dir.verify('alice', 'alice-directory-pass'))?.groups, ['engineers']);
    assert.deepEqual((await dir.verify('carol', 'carol-directory-pass'))?.groups, []);
  });

  test('works over LDAPS with the test CA, and refuses a server whose certificate it cannot trust', async () => {
    const ldaps = connector({ url: slapd.ldapsUrl, startTls: false });
    assert.ok(await ldaps.verify('alice', 'alice-directory-pass'));
    const untrusted = connector({ url: slapd.ldapsUrl, startTls: false, caFile: undefined });
    await assert.rejects(untrusted.verify('alice', 'alice-directory-pass'), ConnectorUnavailableError);
    const startTlsUntrusted = connector({ caFile: undefined });
    await assert.rejects(
      startTlsUntrusted.verify('alice', 'alice-directory-pass'),
      ConnectorUnavailableError,
    );
  });

  test('X3: LDAP filter injection in the username finds nobody', async () => {
    const dir = connector();
    for (const injected of ['*)(uid=*', 'al*', '*', 'alice)(|(uid=*', 'alice\\2a', '(uid=alice)']) {
      assert.equal(await dir.verify(injected, 'alice-directory-pass'), undefined, injected);
    }
  });

  test('X3: an empty password is refused before any bind (the server would take it as anonymous)', async () => {
    const dir = connector();
    assert.equal(await dir.verify('alice', ''), undefined);
    // The same directory signs alice in with her password: only the empty one is refused.
    assert.ok(await dir.verify('alice', 'alice-directory-pass'));
  });

  test('X3: a disabled directory account cannot sign in, even with its password', async () => {
    assert.equal(await connector().verify('bob', 'bob-directory-pass'), undefined);
  });

  test('a wrong service account password is the directory being unusable, not a wrong user password', async () => {
    await assert.rejects(
      connector({ bindPassword: 'not-it' }).verify('alice', 'alice-directory-pass'),
      ConnectorUnavailableError,
    );
  });
});

describe('LDAP sign-in through the provider', () => {
  const RP = 'dir-app';
  const REDIRECT_URI = 'https://rp.example.com/callback';
  let harness: Harness;
  let rpSecret: string;

  before(async () => {
    harness = await createHarness({ connectors: [ldapSettings({ jit: 'create' })] } as never);
    rpSecret = (
      await createClient(harness.stores, {
        name: 'Dir App',
        clientId: RP,
        redirectUris: [REDIRECT_URI],
        scopes: ['openid', 'profile'],
      })
    ).secret as string;
  });

  after(async () => {
    await harness?.close();
  });

  async function directoryForm(browser: Browser, verifier?: string) {
    const params = authorizeParams({
      client_id: RP,
      redirect_uri: REDIRECT_URI,
      scope: 'openid profile',
      idp_hint: 'dir',
      ...(verifier ? { code_challenge: pkcePair().challenge } : {}),
    });
    const hinted = await browser.authorize(params);
    assert.equal(hinted.statusCode, 303);
    const form = await browser.get(String(hinted.headers.location));
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /with your <strong>Company Directory<\/strong> account/);
    return form;
  }

  const submit = (browser: Browser, form: { body: string }, username: string, password: string) =>
    browser.post(
      '/connectors/dir/login',
      {
        interaction: hiddenInput(form.body, 'interaction'),
        csrf_token: hiddenInput(form.body, 'csrf_token'),
        username,
        password,
      },
      { origin: 'http://localhost:8080' },
    );

  test('signs in with the directory password; the ID token carries the mapped claims and amr pwd', async () => {
    const browser = new Browser(harness.app);
    const pkce = pkcePair();
    const page = await browser.authorize(
      authorizeParams({
        client_id: RP,
        redirect_uri: REDIRECT_URI,
        scope: 'openid profile',
        idp_hint: 'dir',
        code_challenge: pkce.challenge,
      }),
    );
    const form = await browser.get(String(page.headers.location));
    let response = await submit(browser, form, 'alice', 'alice-directory-pass');
    const consent = await browser.consentForm(response);
    if (consent !== undefined) response = await browser.submitConsent(consent, 'approve');
    const code = responseParams(String(response.headers.location)).get('code');
    assert.ok(code, `${response.statusCode} ${response.body.slice(0, 200)}`);
    const token = await harness.app.inject({
      method: 'POST',
      url: '/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(RP, rpSecret),
      },
      payload: new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: REDIRECT_URI,
        code_verifier: pkce.verifier,
      }).toString(),
    });
    const claims = JSON.parse(
      Buffer.from(
        (token.json() as { id_token: string }).id_token.split('.')[1] ?? '',
        'base64url',
      ).toString(),
    );
    assert.equal(claims.name, 'Alice Directory');
    assert.equal(claims.given_name, 'Alice');
    // The local alice has that username: the directory's alice gets her own, never alice's account.
    assert.match(claims.preferred_username, /^alice-[0-9a-f]{6}$/);
    assert.deepEqual(claims.amr, ['pwd']);
    assert.notEqual(
      claims.sub,
      harness.userId,
      'the local alice is another person: never matched by name or email',
    );
    // The directory's `engineers` maps to Latchkey's `eng`: joined at sign-in, the group made for it.
    assert.deepEqual(await harness.stores.groups.groupsOf(claims.sub), ['eng']);
  });

  test('X3: injection, an empty password and a disabled account get the sign-in form again, never a session', async () => {
    for (const [username, password] of [
      ['*)(uid=*', 'alice-directory-pass'],
      ['al*', 'alice-directory-pass'],
      ['alice', ''],
      ['bob', 'bob-directory-pass'],
    ] as const) {
      const browser = new Browser(harness.app);
      const response = await submit(browser, await directoryForm(browser), username, password);
      assert.equal(response.statusCode, 400, `${username}: ${response.statusCode}`);
      assert.equal(browser.cookies.has('latchkey-session'), false);
    }
  });

  test('a signed-in person links their directory account on the account page, then signs in with it as themselves', async () => {
    const browser = new Browser(harness.app);
    const signInForm = await browser.get('/account');
    const signedIn = await browser.post(
      '/account/sign-in',
      { csrf_token: hiddenInput(signInForm.body, 'csrf_token'), username: 'alice', password: PASSWORD },
      ORIGIN,
    );
    assert.equal(signedIn.statusCode, 303);
    const page = await browser.get('/account');
    const href = /href="([^"]+)">Link Company Directory</.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(href);
    const form = await browser.get(href);
    assert.equal(form.statusCode, 200);
    const action =
      /<form method="post" action="([^"]+)"/.exec(form.body)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const linked = await browser.post(
      action,
      {
        csrf_token: hiddenInput(form.body, 'csrf_token'),
        username: 'carol',
        password: 'carol-directory-pass',
      },
      ORIGIN,
    );
    assert.equal(linked.headers.location, '/account?done=identity-linked', linked.body.slice(0, 300));
    // Carol's directory account now signs in to the local alice, through the account page's button.
    const other = new Browser(harness.app);
    const accountForm = await other.get('/account');
    const button = /href="([^"]+)">Sign in with Company Directory</
      .exec(accountForm.body)?.[1]
      ?.replaceAll('&amp;', '&');
    assert.ok(button);
    const directoryForm = await other.get(button);
    const formAction =
      /<form method="post" action="([^"]+)"/.exec(directoryForm.body)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const wrong = await other.post(
      formAction,
      { csrf_token: hiddenInput(directoryForm.body, 'csrf_token'), username: 'carol', password: 'not-it' },
      ORIGIN,
    );
    assert.equal(wrong.statusCode, 400);
    const done = await other.post(
      formAction,
      {
        csrf_token: hiddenInput(directoryForm.body, 'csrf_token'),
        username: 'carol',
        password: 'carol-directory-pass',
      },
      ORIGIN,
    );
    assert.equal(done.headers.location, '/account');
    const session = await harness.stores.sessions.get(
      sha256(other.cookies.get('latchkey-session') ?? ''),
      harness.clock.now(),
    );
    assert.equal(session?.userId, harness.userId);
    assert.deepEqual(session?.amr, ['pwd']);
  });

  test('linking a directory account needs a sign-in at most 5 minutes old, at the form and when it is sent', async () => {
    await createUser(harness.stores, { username: 'grace', password: PASSWORD });
    const browser = new Browser(harness.app);
    const signInForm = await browser.get('/account');
    await browser.post(
      '/account/sign-in',
      { csrf_token: hiddenInput(signInForm.body, 'csrf_token'), username: 'grace', password: PASSWORD },
      ORIGIN,
    );
    const page = await browser.get('/account');
    const href = /href="([^"]+)">Link Company Directory</.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    assert.ok(href);
    const form = await browser.get(href);
    assert.equal(form.statusCode, 200);
    harness.clock.advance(5 * 60 + 1);
    assert.equal((await browser.get(href)).headers.location, '/account/confirm');
    const action =
      /<form method="post" action="([^"]+)"/.exec(form.body)?.[1]?.replaceAll('&amp;', '&') ?? '';
    const sent = await browser.post(
      action,
      {
        csrf_token: hiddenInput(form.body, 'csrf_token'),
        username: 'alice',
        password: 'alice-directory-pass',
      },
      ORIGIN,
    );
    assert.equal(sent.headers.location, '/account/confirm');
    const grace = await harness.stores.users.getByUsername('grace');
    assert.deepEqual(await harness.stores.identities.listByUser(grace?.id ?? ''), []);
  });

  test('the directory form on the account page needs this browser’s CSRF token', async () => {
    const browser = new Browser(harness.app);
    await browser.get('/account');
    const response = await browser.get('/connectors/dir/login?purpose=account&csrf_token=forged');
    assert.equal(response.statusCode, 403);
  });

  test('L1: parallel wrong passwords for one directory name: at most the free tries reach the directory', async () => {
    const browser = new Browser(harness.app);
    await directoryForm(browser); // the browser cookie first, so every form below is this browser's
    const forms = await Promise.all(Array.from({ length: 12 }, () => directoryForm(browser)));
    const responses = await Promise.all(forms.map((form) => submit(browser, form, 'carol', 'guess')));
    const checked = responses.filter((r) => r.statusCode === 400).length;
    const throttled = responses.filter((r) => r.statusCode === 429).length;
    assert.equal(checked + throttled, 12);
    assert.ok(checked <= ACCOUNT_POLICY.freeFailures, `${checked} attempts reached the directory`);
    // Carol's own password is throttled too now, until the wait is over.
    const late = await submit(browser, await directoryForm(browser), 'carol', 'carol-directory-pass');
    assert.equal(late.statusCode, 429);
  });

  test('X3: a directory that is down gets a clear error page (503), never a sign-in', async () => {
    const down = await createHarness({
      connectors: [ldapSettings({ jit: 'create', url: 'ldap://127.0.0.1:9' })],
    } as never);
    try {
      await createClient(down.stores, {
        name: 'Dir App',
        clientId: RP,
        redirectUris: [REDIRECT_URI],
        scopes: ['openid'],
      });
      const browser = new Browser(down.app);
      const hinted = await browser.authorize(
        authorizeParams({ client_id: RP, redirect_uri: REDIRECT_URI, idp_hint: 'dir' }),
      );
      const form = await browser.get(String(hinted.headers.location));
      const response = await submit(browser, form, 'alice', 'alice-directory-pass');
      assert.equal(response.statusCode, 503);
      assert.match(response.body, /cannot be reached right now/);
      assert.equal(browser.cookies.has('latchkey-session'), false);
    } finally {
      await down.close();
    }
  });
});
