/**
 * PostgreSQL restarted under load: requests during the outage get 503 with Retry-After (never a 500,
 * never a dropped connection), every instance serves again within seconds without being restarted, and
 * nothing issued before the restart is lost. The server restarted is this test's own private one
 * (test/helpers/private-postgres.ts), never the machine's PostgreSQL.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type PrivatePostgres, startPrivatePostgres } from '../helpers/private-postgres.js';
import { basicAuth, type Cluster, postToken, recordSignIn, startCluster } from './cluster.js';

let postgres: PrivatePostgres;
let cluster: Cluster;
let web: string;
before(async () => {
  postgres = await startPrivatePostgres();
  cluster = await startCluster(3, {}, postgres.url);
  web = basicAuth('web', cluster.secrets.web);
});
after(async () => {
  await cluster?.close();
  await postgres?.close();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test('PostgreSQL restarted during load: 503 with Retry-After during the outage, every instance recovers within seconds, nothing issued before is lost', {
  timeout: 90_000,
}, async (t) => {
  const urls = cluster.instances.map((i) => i.url);
  const signIn = async () => {
    const issued = await postToken(urls[0]!, (await recordSignIn(cluster)).form, web);
    assert.equal(issued.status, 200);
    return issued.body['refresh_token']!;
  };
  // Issued before the restart and not touched until after it.
  const keptAside = await Promise.all(Array.from({ length: 5 }, signIn));
  // One family per load loop: each loop refreshes its own token on every instance in turn.
  const families = await Promise.all(Array.from({ length: 6 }, signIn));

  const figures = { ok: 0, unavailable: 0, missingRetryAfter: 0, other: [] as string[] };
  const firstUnavailable = new Map<string, number>();
  const lastUnavailable = new Map<string, number>();
  const firstOkAfter = new Map<string, number>();
  let restartedAt = 0;
  let restartDoneAt = 0;
  let stop = false;
  const loops = families.map(async (_, loop) => {
    let turn = loop;
    while (!stop) {
      const url = urls[turn++ % urls.length]!;
      let r: Awaited<ReturnType<typeof postToken>>;
      try {
        r = await postToken(url, { grant_type: 'refresh_token', refresh_token: families[loop]! }, web);
      } catch (error) {
        figures.other.push(`connection error ${String(error)}`);
        await sleep(100);
        continue;
      }
      const at = Date.now();
      if (r.status === 200) {
        figures.ok++;
        families[loop] = r.body['refresh_token']!;
        if (restartedAt > 0 && !firstOkAfter.has(url) && (lastUnavailable.get(url) ?? 0) > 0)
          firstOkAfter.set(url, at);
      } else if (r.status === 503) {
        figures.unavailable++;
        if (r.retryAfter === null) figures.missingRetryAfter++;
        assert.equal(r.body['error'], 'temporarily_unavailable');
        if (!firstUnavailable.has(url)) firstUnavailable.set(url, at);
        lastUnavailable.set(url, at);
        firstOkAfter.delete(url);
        await sleep(100);
      } else {
        figures.other.push(`${r.status} ${JSON.stringify(r.body)}`);
      }
    }
  });

  await sleep(1000);
  restartedAt = Date.now();
  await postgres.stop();
  await postgres.start();
  restartDoneAt = Date.now();
  // Every instance must serve again within 10 s of the server being back.
  const deadline = restartDoneAt + 10_000;
  while (Date.now() < deadline && urls.some((u) => lastUnavailable.has(u) && !firstOkAfter.has(u)))
    await sleep(100);
  await sleep(500);
  stop = true;
  await Promise.all(loops);

  // Per instance: how long it answered 503 (first to last), and from its last 503 to its next 200.
  const outage = Object.fromEntries(
    urls.map((u, i) => [
      `instance${i + 1}`,
      firstUnavailable.has(u) ? lastUnavailable.get(u)! - firstUnavailable.get(u)! : 0,
    ]),
  );
  const recovery = Object.fromEntries(
    urls.map((u, i) => [
      `instance${i + 1}`,
      firstOkAfter.has(u) ? firstOkAfter.get(u)! - lastUnavailable.get(u)! : null,
    ]),
  );
  t.diagnostic(
    `cluster: ${JSON.stringify({
      test: 'postgres restart',
      restartMs: restartDoneAt - restartedAt,
      ...figures,
      other: figures.other.length,
      outageMs: outage,
      recoveryMs: recovery,
    })}`,
  );
  assert.deepEqual(figures.other, [], 'every answer is 200 or 503');
  assert.equal(figures.missingRetryAfter, 0);
  assert.ok(figures.unavailable > 0, 'the load saw the outage');
  for (const url of urls) {
    if (lastUnavailable.has(url)) assert.ok(firstOkAfter.has(url), `${url} served again within 10 s`);
  }
  for (const [name, ms] of Object.entries(recovery)) {
    if (ms !== null) assert.ok(ms < 10_000, `${name} served again ${ms} ms after its last 503`);
  }
  for (const url of urls) {
    const ready = await fetch(`${url}/readyz`);
    assert.equal(ready.status, 200, `${url} is ready again`);
  }
  // Nothing issued before is lost: the tokens kept aside, and every loop's latest token, still refresh.
  for (const token of [...keptAside, ...families]) {
    const r = await postToken(urls[1]!, { grant_type: 'refresh_token', refresh_token: token }, web);
    assert.equal(r.status, 200, JSON.stringify(r.body));
  }
});
