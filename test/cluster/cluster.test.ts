/**
 * Three provider processes on one PostgreSQL schema behind a round-robin proxy (the issuer). Every
 * test is bounded in time and uses loopback only. Figures are printed as `# cluster:` diagnostics.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { createVerifier } from '@latchkey/oidc';
import { createKeyManager, loadConfig } from '@latchkey/provider';
import { HttpBrowser, readForm } from '../helpers/http-browser.js';
import {
  API,
  basicAuth,
  type Cluster,
  forDuration,
  PASSWORD,
  postToken,
  REDIRECT_URI,
  recordSignIn,
  startCluster,
} from './cluster.js';

let cluster: Cluster;
let web: string;
let svc: string;
before(async () => {
  cluster = await startCluster(3);
  web = basicAuth('web', cluster.secrets.web);
  svc = basicAuth('svc', cluster.secrets.svc);
});
after(() => cluster?.close());

/** An authorization request of the `web` client with PKCE (S256 of `verifier`), through the proxy. */
function authorizeUrl(verifier: string, extra: Record<string, string>): URL {
  const url = new URL(`${cluster.issuer}/authorize`);
  for (const [k, v] of Object.entries({
    response_type: 'code',
    client_id: 'web',
    redirect_uri: REDIRECT_URI,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
    ...extra,
  }))
    url.searchParams.set(k, v);
  return url;
}

const report = (t: { diagnostic(message: string): void }, figures: Record<string, unknown>) =>
  t.diagnostic(`cluster: ${JSON.stringify(figures)}`);

describe('three instances on one PostgreSQL', { timeout: 120_000 }, () => {
  test('a sign-in started on one instance completes on another (pages, code and token each on a different instance)', async () => {
    const { issuer, proxy } = cluster;
    const verifier = randomBytes(32).toString('base64url');
    const authorize = authorizeUrl(verifier, {
      scope: 'openid offline_access',
      state: 'st',
      prompt: 'consent',
    });
    const first = proxy.served.length;
    const browser = new HttpBrowser(issuer);
    const loginPage = await browser.follow(authorize.href);
    assert.equal(loginPage.status, 200);
    const login = readForm(await loginPage.text(), issuer);
    const afterLogin = await browser.request(login.action, {
      form: { ...login.hidden, username: 'alice', password: PASSWORD },
    });
    assert.equal(afterLogin.status, 303);
    const consentPage = await browser.follow(new URL(afterLogin.headers.get('location')!, issuer).href);
    assert.equal(consentPage.status, 200);
    const consent = readForm(await consentPage.text(), issuer);
    const approved = await browser.request(consent.action, {
      form: { ...consent.hidden, decision: 'approve' },
    });
    assert.equal(approved.status, 303);
    const callback = new URL(approved.headers.get('location')!);
    assert.equal(callback.searchParams.get('iss'), issuer);
    const tokens = await postToken(
      issuer,
      {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: REDIRECT_URI,
        code_verifier: verifier,
      },
      web,
    );
    assert.equal(tokens.status, 200, JSON.stringify(tokens.body));
    assert.ok(tokens.body['refresh_token']);
    const served = proxy.served.slice(first);
    assert.ok(new Set(served).size === 3, `the steps were served by instances ${served.join(',')}`);
  });

  test('S1: failed sign-ins count on every instance: the sixth wrong password for one account is throttled', async () => {
    const { issuer, proxy } = cluster;
    const authorize = authorizeUrl('s1-verifier', { scope: 'openid' });
    const browser = new HttpBrowser(issuer);
    let page = await browser.follow(authorize.href);
    const first = proxy.served.length;
    const statuses: number[] = [];
    // ACCOUNT_POLICY: five free failures, then a wait. Counted per instance, three instances would
    // each have seen at most two of them, and the sixth attempt would go through.
    for (let attempt = 0; attempt < 6; attempt++) {
      const login = readForm(await page.text(), issuer);
      page = await browser.request(login.action, {
        form: { ...login.hidden, username: 'cluster-s1-target', password: `wrong ${attempt}` },
      });
      statuses.push(page.status);
    }
    assert.deepEqual(statuses, [400, 400, 400, 400, 400, 429]);
    assert.ok(page.headers.get('retry-after'));
    assert.equal(new Set(proxy.served.slice(first)).size, 3, 'the attempts were spread over the instances');
  });

  test('R1: a refresh token rotated on one instance is detected as reused on another, and the family is revoked', async () => {
    const [a, b, c] = cluster.instances.map((i) => i.url);
    const { form, grantId } = await recordSignIn(cluster);
    const issued = await postToken(a!, form, web);
    assert.equal(issued.status, 200);
    const rotated = await postToken(
      b!,
      { grant_type: 'refresh_token', refresh_token: issued.body['refresh_token']! },
      web,
    );
    assert.equal(rotated.status, 200);
    const reused = await postToken(
      c!,
      { grant_type: 'refresh_token', refresh_token: issued.body['refresh_token']! },
      web,
    );
    assert.equal(reused.status, 400);
    assert.equal(reused.body['error'], 'invalid_grant');
    assert.notEqual((await cluster.stores.grants.get(grantId))?.revokedAt, null);
    const newest = await postToken(
      a!,
      { grant_type: 'refresh_token', refresh_token: rotated.body['refresh_token']! },
      web,
    );
    assert.equal(newest.body['error'], 'invalid_grant', 'the newest token of the family is dead too');
  });

  test('A1/R1: one code and one refresh token redeemed at once on three instances: exactly one wins each time', async () => {
    const urls = cluster.instances.map((i) => i.url);
    for (let round = 0; round < 5; round++) {
      const { form } = await recordSignIn(cluster);
      const codes = await Promise.all(urls.map((u) => postToken(u, form, web)));
      assert.deepEqual(codes.map((r) => r.status).sort(), [200, 400, 400], `round ${round}: code`);
      // The losers' replays revoke that grant (A1), so the refresh race uses a family of its own.
      const own = await postToken(urls[0]!, (await recordSignIn(cluster)).form, web);
      const token = own.body['refresh_token']!;
      const refreshes = await Promise.all(
        urls.map((u) => postToken(u, { grant_type: 'refresh_token', refresh_token: token }, web)),
      );
      assert.equal(refreshes.filter((r) => r.status === 200).length, 1, `round ${round}: refresh`);
      assert.ok(refreshes.every((r) => r.status === 200 || r.body['error'] === 'invalid_grant'));
    }
  });

  test('K5: a forced key rotation during a verification load by @latchkey/oidc verifiers: zero failures', async (t) => {
    const urls = cluster.instances.map((i) => i.url);
    const verifiers = Array.from({ length: 3 }, () =>
      createVerifier({ issuer: cluster.issuer, audience: API, cooldown: 0 }),
    );
    // The next key must have been published for jwksMaxAge + reloadInterval (3 s here) to be promoted.
    await new Promise((resolve) => setTimeout(resolve, 3500));
    const counts = { issued: 0, verified: 0, failures: 0, kids: new Set<string>() };
    const failures: string[] = [];
    let request = 0;
    const load = forDuration(4000, 6, async (loop) => {
      const issued = await postToken(
        urls[request++ % 3]!,
        { grant_type: 'client_credentials', resource: API },
        svc,
      );
      if (issued.status !== 200) {
        counts.failures++;
        failures.push(`token ${issued.status}`);
        return;
      }
      counts.issued++;
      const token = issued.body['access_token']!;
      counts.kids.add(JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString())['kid']);
      try {
        await verifiers[loop % 3]!.verify(token);
        counts.verified++;
      } catch (error) {
        counts.failures++;
        failures.push(String((error as { code?: string }).code ?? error));
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // What `latchkey keys rotate` does, from outside the instances (none of them is told).
    const config = loadConfig({ env: cluster.env });
    const rotation = await createKeyManager({ config, stores: cluster.stores })
      .rotate({ force: true })
      .finally(() => load);
    assert.equal(rotation.applied, true, rotation.reasons.join('; '));
    await load;
    report(t, { test: 'forced rotation', ...counts, kids: counts.kids.size });
    assert.deepEqual(failures, []);
    assert.ok(counts.kids.size >= 2, 'tokens were signed by the old and the new key during the load');
  });

  test('kill -9 of one instance during a token and refresh load: no request to the survivors fails, no family corrupted, no code redeemed twice', async (t) => {
    const [survivorA, survivorB, victim] = cluster.instances;
    const survivors = [survivorA!.url, survivorB!.url];
    const families = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const { form, grantId } = await recordSignIn(cluster);
        const issued = await postToken(survivors[0]!, form, web);
        assert.equal(issued.status, 200);
        return { grantId, token: issued.body['refresh_token']! };
      }),
    );
    const figures = {
      survivorRequests: 0,
      survivorFailures: [] as string[],
      victimRequests: 0,
      victimErrors: 0,
      codesRedeemed: 0,
    };
    let turn = 0;
    const killed = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      await victim!.kill9();
    })();
    await forDuration(4000, 8, async (loop) => {
      // Loops 0–5 each own a refresh family and use only the survivors; loops 6–7 redeem codes on all three.
      if (loop < 6) {
        const family = families[loop]!;
        const r = await postToken(
          survivors[turn++ % 2]!,
          { grant_type: 'refresh_token', refresh_token: family.token },
          web,
        );
        figures.survivorRequests++;
        if (r.status !== 200) figures.survivorFailures.push(`${r.status} ${r.body['error']}`);
        else family.token = r.body['refresh_token']!;
        return;
      }
      const { form } = await recordSignIn(cluster);
      const target = cluster.instances[turn++ % 3]!.url;
      try {
        const r = await postToken(target, form, web);
        if (target === victim!.url) figures.victimRequests++;
        else figures.survivorRequests++;
        if (r.status === 200) figures.codesRedeemed++;
        else if (target !== victim!.url) figures.survivorFailures.push(`${r.status} ${r.body['error']}`);
        // A replay must fail even when the first redemption happened on the instance that died.
        const replay = await postToken(survivors[loop % 2]!, form, web);
        figures.survivorRequests++;
        if (replay.status !== 400 || replay.body['error'] !== 'invalid_grant') {
          figures.survivorFailures.push(`code replay answered ${replay.status}`);
        }
      } catch {
        figures.victimErrors++;
        assert.equal(target, victim!.url, 'only the killed instance may drop a connection');
      }
    });
    await killed;
    report(t, { test: 'kill -9', ...figures, survivorFailures: figures.survivorFailures.length });
    assert.deepEqual(figures.survivorFailures, []);
    assert.ok(figures.victimErrors > 0 || figures.victimRequests > 0);
    // Every family is still usable (none was revoked by the load), and its token chain is intact.
    for (const family of families) {
      assert.equal((await cluster.stores.grants.get(family.grantId))?.revokedAt, null);
      const last = await postToken(
        survivors[0]!,
        { grant_type: 'refresh_token', refresh_token: family.token },
        web,
      );
      assert.equal(last.status, 200);
    }
  });
});
