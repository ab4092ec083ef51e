import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { createVerifier, type JwsAlgorithm, signJwt } from '@latchkey/oidc';
import {
  createKeyManager,
  createProviderApp,
  type KeyManager,
  RotationRefusedError,
} from '@latchkey/provider';
import { frozenClock, sqliteStores, TEST_SECRET, testConfig } from '../helpers/fixtures.js';

const DAY = 86_400;

async function setup(algorithms: JwsAlgorithm[] = ['RS256', 'ES256']) {
  const clock = frozenClock(Math.floor(Date.now() / 1000));
  const config = testConfig({ keys: { algorithms } });
  const stores = await sqliteStores();
  const manager = createKeyManager({ config, stores, now: clock.now, secret: TEST_SECRET });
  await manager.start();
  after(() => manager.stop());
  return { clock, config, stores, manager };
}

const kidsOf = (manager: KeyManager) =>
  (JSON.parse(manager.jwks().body) as { keys: { kid: string }[] }).keys.map((k) => k.kid);

async function byState(manager: KeyManager, alg: JwsAlgorithm) {
  const keys = (await manager.list()).filter((k) => k.alg === alg);
  return {
    current: keys.filter((k) => k.state === 'current'),
    next: keys.filter((k) => k.state === 'next'),
    retired: keys.filter((k) => k.state === 'retired'),
  };
}

describe('the key manager on SQLite', () => {
  test('bootstraps an empty store with a current and a published next key per algorithm', async () => {
    const { manager } = await setup();
    for (const alg of ['RS256', 'ES256'] as const) {
      const { current, next } = await byState(manager, alg);
      assert.equal(current.length, 1);
      assert.equal(next.length, 1);
      assert.equal(manager.signingKey(alg).kid, current[0]!.kid);
      assert.ok(kidsOf(manager).includes(next[0]!.kid));
    }
    assert.equal(kidsOf(manager).length, 4);
    assert.ok(manager.isReady());
  });

  test('stores private keys only sealed', async () => {
    const { stores } = await setup(['RS256']);
    for (const record of await stores.signingKeys.list()) {
      assert.match(record.encryptedPrivateKey, /^v1\./);
      assert.equal(record.publicJwk.d, undefined);
    }
  });

  test('K5: the next key is in the JWKS at least jwksMaxAge before it signs, then takes over on schedule', async () => {
    const { manager, clock, config } = await setup(['RS256']);
    const { current, next } = await byState(manager, 'RS256');
    const published = clock.now();
    assert.ok(kidsOf(manager).includes(next[0]!.kid));

    clock.advance(config.keys.rotationInterval - 1);
    await manager.refresh();
    assert.equal(manager.signingKey('RS256').kid, current[0]!.kid);

    clock.advance(1);
    await manager.refresh();
    assert.equal(manager.signingKey('RS256').kid, next[0]!.kid);
    assert.ok(clock.now() - published >= config.keys.jwksMaxAge);
    const after = await byState(manager, 'RS256');
    assert.deepEqual(
      after.retired.map((k) => k.kid),
      [current[0]!.kid],
    );
    assert.equal(after.next.length, 1);
    assert.notEqual(after.next[0]!.kid, next[0]!.kid);
  });

  test('K5: a retired key leaves the JWKS only after maxTokenLifetime', async () => {
    const { manager, clock, config } = await setup(['RS256']);
    const old = manager.signingKey('RS256').kid!;
    clock.advance(config.keys.rotationInterval);
    await manager.refresh();
    const retiredAt = clock.now();
    assert.ok(kidsOf(manager).includes(old));

    clock.set(retiredAt + config.keys.maxTokenLifetime);
    await manager.refresh();
    assert.ok(kidsOf(manager).includes(old), 'still published while its tokens may be valid');

    clock.set(retiredAt + config.keys.maxTokenLifetime + 60);
    await manager.refresh();
    assert.ok(!kidsOf(manager).includes(old));
    assert.ok(!(await manager.list()).some((k) => k.kid === old));
  });

  test('a forced rotation promotes the pre-published next and makes a fresh next', async () => {
    const { manager, clock, config } = await setup(['RS256']);
    const { current, next } = await byState(manager, 'RS256');
    await assert.rejects(manager.rotate({ force: true }), RotationRefusedError);
    assert.equal(manager.signingKey('RS256').kid, current[0]!.kid, 'a refused rotation changes nothing');

    clock.advance(config.keys.jwksMaxAge + config.keys.reloadInterval);
    const result = await manager.rotate({ force: true });
    assert.ok(result.applied);
    assert.equal(manager.signingKey('RS256').kid, next[0]!.kid);
    const after = await byState(manager, 'RS256');
    assert.equal(after.next.length, 1);
    assert.ok(kidsOf(manager).includes(after.next[0]!.kid));
    assert.ok(kidsOf(manager).includes(current[0]!.kid));
  });

  test('the JWKS document and its ETag change only when the key set changes', async () => {
    const { manager, clock } = await setup(['RS256']);
    const first = manager.jwks();
    clock.advance(DAY);
    await manager.refresh();
    assert.equal(manager.jwks(), first, 'same object: not re-serialized');
    clock.advance(30 * DAY);
    await manager.refresh();
    assert.notEqual(manager.jwks().etag, first.etag);
  });

  test('K5: a token signed before a rotation still verifies with a RemoteKeySet during and after it', async () => {
    const { manager, clock, config, stores } = await setup(['RS256']);
    const app = createProviderApp({ config, stores, keyManager: manager, clock: clock.now });
    const address = await app.listen({ host: '127.0.0.1', port: 0 });
    after(() => app.close());
    // The issuer is http://localhost:8080; route its URLs to where the app really listens.
    const routed: typeof fetch = (input, init) =>
      fetch(String(input instanceof Request ? input.url : input).replace(config.issuer, address), init);
    const newVerifier = () =>
      createVerifier({ issuer: config.issuer, audience: 'api', fetch: routed, algorithms: ['RS256'] });
    const sign = () =>
      signJwt(
        { iss: config.issuer, aud: 'api', sub: 'user', exp: Math.floor(Date.now() / 1000) + 3600 },
        manager.signingKey('RS256'),
        { typ: 'at+jwt' },
      );

    const verifier = newVerifier();
    const before = sign();
    assert.equal((await verifier.verify(before)).sub, 'user');

    clock.advance(config.keys.rotationInterval);
    await manager.refresh();
    const during = sign();
    const kidOf = (token: string) =>
      JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString()).kid;
    assert.notEqual(kidOf(during), kidOf(before));
    // The verifier's cached JWKS (fetched before the rotation) already holds the new signing key.
    assert.equal((await verifier.verify(during)).sub, 'user');
    assert.equal((await verifier.verify(before)).sub, 'user');
    // A verifier that fetches the JWKS after the rotation still has the retired key.
    assert.equal((await newVerifier().verify(before)).sub, 'user');

    clock.advance(config.keys.maxTokenLifetime + 60);
    await manager.refresh();
    await assert.rejects(newVerifier().verify(before));
    assert.equal((await newVerifier().verify(during)).sub, 'user');
  });
});
