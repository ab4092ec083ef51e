import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import { createUser } from '@latchkey/provider';
import { sql } from '@latchkey/store';
import { type Browser, hiddenInput, PASSWORD } from '../authorize/harness.js';
import { decodeJwt, type EndSessionFixture, endSessionFixture, RP } from '../end-session/fixture.js';
import { linkIn, type SmtpServer, startSmtpServer } from '../helpers/smtp.js';

const ORIGIN = { origin: 'http://localhost:8080' };
const NEW_PASSWORD = 'a completely new passphrase';

let smtp: SmtpServer;
let f: EndSessionFixture;
before(async () => {
  smtp = await startSmtpServer();
  f = await endSessionFixture({
    email: {
      from: 'Latchkey <no-reply@id.example>',
      smtp: { host: '127.0.0.1', port: smtp.port, tls: 'none' },
    },
    selfRegistration: { enabled: true },
  });
});
after(async () => {
  await f.close();
  await smtp.close();
});
beforeEach(async () => {
  await smtp.settle(50);
  smtp.received.length = 0;
});

let users = 0;
/** A fresh user (so each test has its own send allowance), with an email address. */
async function freshUser(emailVerified = true) {
  const username = `user${++users}`;
  const user = await createUser(f.stores, {
    username,
    password: PASSWORD,
    email: `${username}@example.com`,
    emailVerified,
  });
  return { ...user, email: `${username}@example.com` };
}

/** GET a form page, then POST it with its CSRF token: what a person filling it in does. */
async function submit(browser: Browser, page: string, action: string, fields: Record<string, string>) {
  const form = await browser.get(page);
  assert.equal(form.statusCode, 200, form.body);
  return browser.post(action, { csrf_token: hiddenInput(form.body, 'csrf_token'), ...fields }, ORIGIN);
}

const askReset = (browser: Browser, account: string) =>
  submit(browser, '/account/forgot-password', '/account/forgot-password', { account });

async function resetLinkFor(email: string): Promise<string> {
  const [mail] = await smtp.untilReceived(1);
  assert.equal(mail?.to, email);
  const url = new URL(linkIn(mail!, 'http://localhost:8080/account/reset-password'));
  return url.pathname + url.search;
}

async function chooseNewPassword(browser: Browser, link: string, password = NEW_PASSWORD, again = password) {
  const page = await browser.get(link);
  if (page.statusCode !== 200) return page;
  return browser.post(
    '/account/reset-password',
    {
      csrf_token: hiddenInput(page.body, 'csrf_token'),
      token: hiddenInput(page.body, 'token'),
      new_password: password,
      confirm_password: again,
    },
    ORIGIN,
  );
}

const signInAtAccount = (browser: Browser, username: string, password: string) =>
  submit(browser, '/account', '/account/sign-in', { username, password });

describe('password reset by email', () => {
  test('the sign-in form offers it once email is configured', async () => {
    const page = await f.browser().get('/account');
    assert.match(page.body, /<a href="\/account\/forgot-password">Forgot your password\?<\/a>/);
    assert.match(page.body, /<a href="\/account\/register">Create an account<\/a>/);
  });

  test('sends a link that sets a new password, ends every session and grant, and verifies the address', async () => {
    const user = await freshUser(false);
    const elsewhere = f.browser();
    assert.equal((await signInAtAccount(elsewhere, user.username, PASSWORD)).statusCode, 303);
    const asked = await askReset(f.browser(), user.email);
    assert.equal(asked.statusCode, 200);
    assert.match(asked.body, /If an account matches, we sent a link/);
    const [mail] = await smtp.untilReceived(1);
    assert.match(mail?.from ?? '', /Latchkey.* <no-reply@id\.example>/);
    assert.match(mail!.subject, /Reset your Latchkey password/);
    assert.match(mail!.html, /Choose a new password/);
    const link = await resetLinkFor(user.email);
    const done = await chooseNewPassword(f.browser(), link);
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /Password changed/);
    assert.equal((await signInAtAccount(f.browser(), user.username, PASSWORD)).statusCode, 400);
    assert.equal((await signInAtAccount(f.browser(), user.username, NEW_PASSWORD)).statusCode, 303);
    assert.match(
      (await elsewhere.get('/account')).body,
      /action="\/account\/sign-in"/,
      'signed out elsewhere',
    );
    assert.equal((await f.stores.users.getById(user.id))?.emailVerified, true);
    const [event] = await f.stores.audit.list({ limit: 1, type: 'password.reset' });
    assert.equal(event?.userId, user.id);
  });

  test('a second factor, if enrolled, is still required after a reset: the new password alone signs nobody in', async () => {
    const user = await freshUser();
    // An enrolled authenticator app (its seed is irrelevant here: only that the factor exists).
    await f.stores.factors.beginTotp(user.id, 'v1.sealed', 1);
    await f.stores.factors.confirmTotp(user.id, 1, [], 1);
    await askReset(f.browser(), user.email);
    assert.equal((await chooseNewPassword(f.browser(), await resetLinkFor(user.email))).statusCode, 200);
    const browser = f.browser();
    const afterPassword = await signInAtAccount(browser, user.username, NEW_PASSWORD);
    assert.equal(afterPassword.statusCode, 200);
    assert.match(afterPassword.body, /action="\/account\/sign-in\/second-factor"/);
    assert.match((await browser.get('/account')).body, /action="\/account\/sign-in"/, 'not signed in');
  });

  test("reset ends the account's grants: a relying party's refresh token stops working", async () => {
    const browser = f.browser();
    const tokens = await f.signIn(browser);
    assert.equal((await f.refresh(RP, tokens.refresh_token)).json().error, undefined, 'works before');
    const sub = decodeJwt(tokens.id_token).claims['sub'] as string;
    const before = await f.stores.users.getById(sub);
    await sql`update users set email = 'alice@example.com' where id = ${sub}`.execute(f.stores.database.db);
    await askReset(f.browser(), 'alice');
    const link = await resetLinkFor('alice@example.com');
    assert.equal((await chooseNewPassword(f.browser(), link)).statusCode, 200);
    const refresh = await f.refresh(RP, tokens.refresh_token);
    assert.equal(refresh.json().error, 'invalid_grant');
    // Give the fixture's alice her password back for the other tests.
    await f.stores.users.setPasswordHash(sub, before!.passwordHash!, f.clock.now());
  });

  test('F5: a link works once; a second use, or after its lifetime, is a page that says so', async () => {
    const user = await freshUser();
    await askReset(f.browser(), user.username);
    const link = await resetLinkFor(user.email);
    assert.equal((await chooseNewPassword(f.browser(), link)).statusCode, 200);
    const again = await chooseNewPassword(f.browser(), link, 'yet another long passphrase');
    assert.equal(again.statusCode, 400);
    assert.match(again.body, /no longer works/);

    const other = await freshUser();
    await askReset(f.browser(), other.username);
    smtp.received.length = 0;
    await askReset(f.browser(), other.username);
    const late = await resetLinkFor(other.email);
    f.clock.advance(1801);
    const expired = await chooseNewPassword(f.browser(), late);
    assert.equal(expired.statusCode, 400);
    assert.match(expired.body, /expired/);
  });

  test('F5: the link is bound to its account; only the newest link of an account works', async () => {
    const user = await freshUser();
    await askReset(f.browser(), user.username);
    const first = await resetLinkFor(user.email);
    smtp.received.length = 0;
    await askReset(f.browser(), user.username);
    const second = await resetLinkFor(user.email);
    assert.equal(
      (await chooseNewPassword(f.browser(), first)).statusCode,
      400,
      'a newer link ends the older',
    );
    const bob = await freshUser();
    const bobBefore = (await f.stores.users.getById(bob.id))?.passwordHash;
    assert.equal((await chooseNewPassword(f.browser(), second)).statusCode, 200);
    assert.equal((await f.stores.users.getById(bob.id))?.passwordHash, bobBefore);
    assert.notEqual((await f.stores.users.getById(user.id))?.passwordHash, undefined);
  });

  test('a refused new password keeps the link usable', async () => {
    const user = await freshUser();
    await askReset(f.browser(), user.username);
    const link = await resetLinkFor(user.email);
    const weak = await chooseNewPassword(f.browser(), link, 'short');
    assert.equal(weak.statusCode, 400);
    assert.match(weak.body, /That password was refused/);
    const differ = await chooseNewPassword(f.browser(), link, NEW_PASSWORD, 'something else entirely');
    assert.match(differ.body, /differ/);
    assert.equal((await chooseNewPassword(f.browser(), link)).statusCode, 200);
  });

  test('F5: of 20 parallel submissions of one link exactly one sets the password', async () => {
    const user = await freshUser();
    await askReset(f.browser(), user.username);
    const link = await resetLinkFor(user.email);
    const browser = f.browser();
    const page = await browser.get(link);
    const fields = {
      csrf_token: hiddenInput(page.body, 'csrf_token'),
      token: hiddenInput(page.body, 'token'),
      new_password: NEW_PASSWORD,
      confirm_password: NEW_PASSWORD,
    };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => browser.post('/account/reset-password', fields, ORIGIN)),
    );
    assert.equal(answers.filter((a) => a.statusCode === 200).length, 1);
    assert.equal(answers.filter((a) => a.statusCode === 400).length, 19);
  });

  test('F5: an unknown address gets the same answer, no email, and similar timing', async () => {
    const user = await freshUser();
    const known = await askReset(f.browser(), user.email);
    const unknown = await askReset(f.browser(), 'nobody-here@example.com');
    assert.equal(unknown.statusCode, known.statusCode);
    assert.equal(
      unknown.body.replace(/value="[^"]*"/g, ''),
      known.body.replace(/value="[^"]*"/g, ''),
      'the same page, but for the CSRF token',
    );
    await smtp.settle();
    assert.deepEqual(
      smtp.received.map((m) => m.to),
      [user.email],
      'only the known address gets an email',
    );
    // Timing: the request path does the same work either way (lookup and send come after the answer).
    const time = async (account: string) => {
      const browser = f.browser();
      const form = await browser.get('/account/forgot-password');
      const started = process.hrtime.bigint();
      await browser.post(
        '/account/forgot-password',
        { csrf_token: hiddenInput(form.body, 'csrf_token'), account },
        ORIGIN,
      );
      return Number(process.hrtime.bigint() - started) / 1e6;
    };
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < 3; i++) {
      const someone = await freshUser();
      knownTimes.push(await time(someone.email));
      unknownTimes.push(await time(`missing-${i}@example.com`));
    }
    assert.ok(
      Math.abs(median(knownTimes) - median(unknownTimes)) < 25,
      `known ${median(knownTimes)} ms, unknown ${median(unknownTimes)} ms`,
    );
  });

  test('L1: 30 parallel requests for one address send at most the 3 emails its allowance holds', async () => {
    const user = await freshUser();
    const browser = f.browser();
    const form = await browser.get('/account/forgot-password');
    const csrf = hiddenInput(form.body, 'csrf_token');
    const answers = await Promise.all(
      Array.from({ length: 30 }, () =>
        browser.post('/account/forgot-password', { csrf_token: csrf, account: user.email }, ORIGIN),
      ),
    );
    assert.equal(answers.filter((a) => a.statusCode === 200).length, 3);
    assert.equal(answers.filter((a) => a.statusCode === 429).length, 27);
    assert.ok(answers.find((a) => a.statusCode === 429)?.headers['retry-after']);
    await smtp.settle(500);
    assert.equal(smtp.received.filter((m) => m.to === user.email).length, 3);
  });
});

describe('email verification', () => {
  test('sends a link from the account page; opening it only asks, confirming verifies once', async () => {
    const user = await freshUser(false);
    const browser = f.browser();
    await signInAtAccount(browser, user.username, PASSWORD);
    const page = await browser.get('/account');
    assert.match(page.body, /Send a link to confirm/);
    const sent = await browser.post(
      '/account/verify-email/send',
      { csrf_token: hiddenInput(page.body, 'csrf_token') },
      ORIGIN,
    );
    assert.equal(sent.statusCode, 303);
    assert.equal(sent.headers.location, '/account?done=verification-sent');
    const [mail] = await smtp.untilReceived(1);
    assert.equal(mail?.to, user.email);
    const url = new URL(linkIn(mail!, 'http://localhost:8080/account/verify-email'));
    const opener = f.browser();
    const shown = await opener.get(url.pathname + url.search);
    assert.equal(shown.statusCode, 200);
    assert.match(shown.body, new RegExp(`Confirm that <strong>${user.email}</strong>`));
    assert.equal(
      (await f.stores.users.getById(user.id))?.emailVerified,
      false,
      'opening the link changes nothing',
    );
    const fields = {
      csrf_token: hiddenInput(shown.body, 'csrf_token'),
      token: hiddenInput(shown.body, 'token'),
    };
    // S4: the form only works from the browser that opened it.
    assert.equal((await f.browser().post('/account/verify-email', fields, ORIGIN)).statusCode, 403);
    assert.equal((await f.stores.users.getById(user.id))?.emailVerified, false);
    const confirmed = await opener.post('/account/verify-email', fields, ORIGIN);
    assert.equal(confirmed.statusCode, 200);
    assert.match(confirmed.body, /Email address confirmed/);
    assert.equal((await f.stores.users.getById(user.id))?.emailVerified, true);
    assert.equal((await opener.post('/account/verify-email', fields, ORIGIN)).statusCode, 400, 'used once');
    assert.equal((await f.browser().get(url.pathname + url.search)).statusCode, 400, 'used once');
  });
});

describe('self-registration', () => {
  test('creates an unverified account and sends a confirmation link', async () => {
    const browser = f.browser();
    const answer = await submit(browser, '/account/register', '/account/register', {
      username: 'newcomer',
      email: 'newcomer@example.com',
      new_password: NEW_PASSWORD,
      confirm_password: NEW_PASSWORD,
    });
    assert.equal(answer.statusCode, 200);
    assert.match(answer.body, /Check your email/);
    const user = await f.stores.users.getByUsername('newcomer');
    assert.equal(user?.emailVerified, false);
    const [mail] = await smtp.untilReceived(1);
    assert.equal(mail?.to, 'newcomer@example.com');
    assert.match(mail!.text, /\/account\/verify-email\?token=/);
  });

  test('F5: an address that has an account gets the same answer, no second account, and its owner an email', async () => {
    const owner = await freshUser();
    const answer = await submit(f.browser(), '/account/register', '/account/register', {
      username: 'impostor',
      email: owner.email.toUpperCase(),
      new_password: NEW_PASSWORD,
      confirm_password: NEW_PASSWORD,
    });
    assert.equal(answer.statusCode, 200);
    assert.match(answer.body, /Check your email/);
    assert.equal(await f.stores.users.getByUsername('impostor'), undefined);
    const [mail] = await smtp.untilReceived(1);
    assert.match(mail!.subject, /You already have a Latchkey account/);
  });

  test('refuses a weak password and a taken username with the form, making nothing', async () => {
    const weak = await submit(f.browser(), '/account/register', '/account/register', {
      username: 'weakling',
      email: 'weak@example.com',
      new_password: 'short',
      confirm_password: 'short',
    });
    assert.equal(weak.statusCode, 400);
    assert.equal(await f.stores.users.getByUsername('weakling'), undefined);
    const taken = await submit(f.browser(), '/account/register', '/account/register', {
      username: 'alice',
      email: 'someone-else@example.com',
      new_password: NEW_PASSWORD,
      confirm_password: NEW_PASSWORD,
    });
    assert.equal(taken.statusCode, 400);
    assert.match(taken.body, /That username is taken/);
  });
});
