import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { describeEachDialect } from '@latchkey/store/testing';
import type { LoginFactor } from '../../src/login/factors/index.js';
import { passwordFactor } from '../../src/login/factors/password.js';
import { ACCOUNT_POLICY } from '../../src/login/rate-limiter.js';
import { openProviderStores } from '../../src/store/index.js';
import { authorizeParams, Browser, createHarness, type Harness, PASSWORD } from '../authorize/harness.js';

/** Every password the sign-in checked (an argon2id verification each), in order. */
const checked: string[] = [];
const countingFactor: LoginFactor = {
  amr: passwordFactor.amr,
  verify(stores, credentials) {
    checked.push(credentials.password);
    return passwordFactor.verify(stores, credentials);
  },
};

let h: Harness;
before(async () => {
  h = await createHarness({}, { deps: { loginFactor: countingFactor } });
});
after(() => h.close());

const ATTEMPTS = 100;

describeEachDialect('sign-in attempts sent at once', (ctx) => {
  let db: Harness;
  before(async () => {
    // A pool of several connections on PostgreSQL: the attempts really run side by side.
    const stores = await openProviderStores(await ctx.freshUrl(), { poolSize: 4 });
    await stores.migrate();
    db = await createHarness({}, { stores, deps: { loginFactor: countingFactor } });
  });
  after(async () => {
    await db.close();
    await db.stores.close();
  });

  test(`L1: ${ATTEMPTS} parallel POST /login at one account test at most the free allowance against the password, and the right password in the batch does not get in`, async () => {
    checked.length = 0;
    // One browser (and one address) per attempt, as from a botnet: only the per-account limit binds.
    const attempts = await Promise.all(
      Array.from({ length: ATTEMPTS }, async (_, i) => {
        const browser = new Browser(db.app);
        const page = await browser.authorize(authorizeParams());
        assert.equal(page.statusCode, 200);
        return { browser, page, password: i === ATTEMPTS - 1 ? PASSWORD : `wrong guess ${i}` };
      }),
    );
    const responses = await Promise.all(
      attempts.map(({ browser, page, password }) => browser.submitLogin(page, 'alice', password)),
    );

    assert.ok(checked.length >= 1, 'some attempts were checked');
    assert.ok(
      checked.length <= ACCOUNT_POLICY.freeFailures,
      `${checked.length} passwords were checked, more than the ${ACCOUNT_POLICY.freeFailures} free`,
    );
    const statuses = responses.map((r) => r.statusCode);
    assert.equal(statuses.filter((s) => s !== 429).length, checked.length, 'every other attempt got 429');
    assert.ok(
      responses.filter((r) => r.statusCode === 429).every((r) => Number(r.headers['retry-after']) >= 1),
    );
    const signedIn = statuses.filter((s) => s === 303).length;
    assert.equal(signedIn, checked.includes(PASSWORD) ? 1 : 0, 'only a checked right password signs in');
    assert.equal(statuses.at(-1), 429, 'the right password sent last waited like every other attempt');
  });
});

describe('sign-in attempts refused while throttled', () => {
  test('L3: refused attempts are audited as a few rows with a count, not one row each', async () => {
    h.clock.advance(ACCOUNT_POLICY.forgetAfter);
    const browser = new Browser(h.app);
    const before = (await h.stores.audit.list({ limit: 1000 })).length;
    for (let i = 0; i < ACCOUNT_POLICY.freeFailures; i++) {
      const page = await browser.authorize(authorizeParams());
      assert.equal((await browser.submitLogin(page, 'alice', 'wrong guess')).statusCode, 400);
    }
    const refusals = 40;
    for (let i = 0; i < refusals; i++) {
      const page = await browser.authorize(authorizeParams());
      assert.equal((await browser.submitLogin(page, 'alice', 'wrong guess')).statusCode, 429);
    }
    const all = await h.stores.audit.list({ limit: 1000 });
    const events = all.slice(0, all.length - before);
    const throttled = events.filter((e) => e.details?.['reason'] === 'throttled');
    // The 1st, 2nd, 4th, 8th, 16th and 32nd refusal, each with the count so far.
    assert.deepEqual(
      throttled.map((e) => e.details?.['refusals']).sort((a, b) => Number(a) - Number(b)),
      [1, 2, 4, 8, 16, 32],
    );
    const failed = events.filter((e) => e.details?.['reason'] === 'invalid_credentials');
    assert.equal(failed.length, ACCOUNT_POLICY.freeFailures);
  });
});

describe('what a failed sign-in records of the username', () => {
  test('a username naming an account is recorded with its user id; anything else only as a keyed digest', async () => {
    h.clock.advance(ACCOUNT_POLICY.forgetAfter);
    const typedPassword = 'Tr0ub4dor&3-typed-into-username';
    const browser = new Browser(h.app);
    await browser.submitLogin(await browser.authorize(authorizeParams()), 'ALICE ', 'wrong guess 1');
    await browser.submitLogin(await browser.authorize(authorizeParams()), typedPassword, 'wrong guess 2');
    const failures = (await h.stores.audit.list({ limit: 2 })).filter((e) => e.type === 'sign_in.failure');
    assert.equal(failures.length, 2);
    const [unknown, known] = failures;
    assert.equal(known!.userId, h.userId);
    assert.equal(known!.details?.['username'], 'alice');
    assert.equal(unknown!.userId, null);
    assert.equal(unknown!.details?.['username'], undefined);
    assert.match(String(unknown!.details?.['usernameDigest']), /^[A-Za-z0-9_-]{43}$/);
    assert.doesNotMatch(JSON.stringify(failures), /Tr0ub4dor/i);
    // The digest is keyed: it is not a plain hash of what was typed.
    const plain = createHash('sha256').update(typedPassword.toLowerCase()).digest('base64url');
    assert.notEqual(unknown!.details?.['usernameDigest'], plain);
  });
});
