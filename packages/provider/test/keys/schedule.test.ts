import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SigningKeyRecord } from '@latchkey/provider';
import { planForcedRotation, planScheduledChange, RotationRefusedError } from '../../src/keys/schedule.js';

const config = {
  algorithms: ['RS256'] as const,
  rotationInterval: 30 * 86_400,
  jwksMaxAge: 3600,
  maxTokenLifetime: 86_400,
  reloadInterval: 5,
};
const T = 1_800_000_000;

function key(
  kid: string,
  state: SigningKeyRecord['state'],
  fields: Partial<SigningKeyRecord> = {},
): SigningKeyRecord {
  return {
    kid,
    alg: 'RS256',
    state,
    publicJwk: { kty: 'RSA' },
    encryptedPrivateKey: 'sealed',
    createdAt: T,
    activatedAt: state === 'current' ? T : null,
    retiredAt: null,
    ...fields,
  };
}

describe('the rotation schedule', () => {
  test('bootstraps an empty store with a current and a next key per algorithm', () => {
    const plan = planScheduledChange([], { ...config, algorithms: ['RS256', 'ES256'] }, T);
    assert.deepEqual(plan?.create, [
      { alg: 'RS256', state: 'current' },
      { alg: 'RS256', state: 'next' },
      { alg: 'ES256', state: 'current' },
      { alg: 'ES256', state: 'next' },
    ]);
  });

  test('does nothing before the rotation is due', () => {
    const keys = [key('a', 'current'), key('b', 'next')];
    assert.equal(planScheduledChange(keys, config, T + config.rotationInterval - 1), undefined);
  });

  test('rotates when due: current retires, next signs, a new next is made', () => {
    const plan = planScheduledChange(
      [key('a', 'current'), key('b', 'next')],
      config,
      T + config.rotationInterval,
    );
    assert.deepEqual(plan?.transitions, [
      { kid: 'a', from: 'current', to: 'retired' },
      { kid: 'b', from: 'next', to: 'current' },
    ]);
    assert.deepEqual(plan?.create, [{ alg: 'RS256', state: 'next' }]);
  });

  test('K5: waits until next has been published for jwksMaxAge before it signs', () => {
    const due = T + config.rotationInterval;
    const young = key('b', 'next', { createdAt: due - 60 });
    assert.equal(planScheduledChange([key('a', 'current'), young], config, due), undefined);
    const ready = due - 60 + config.jwksMaxAge + config.reloadInterval;
    assert.equal(planScheduledChange([key('a', 'current'), young], config, ready - 1), undefined);
    assert.ok(planScheduledChange([key('a', 'current'), young], config, ready));
  });

  test('K5: keeps a retired key until every token it signed has expired', () => {
    const retired = key('old', 'retired', { retiredAt: T });
    const keys = [retired, key('a', 'current'), key('b', 'next')];
    assert.equal(planScheduledChange(keys, config, T + config.maxTokenLifetime), undefined);
    const plan = planScheduledChange(keys, config, T + config.maxTokenLifetime + 60);
    assert.deepEqual(plan?.transitions, [{ kid: 'old', from: 'retired', to: 'removed' }]);
  });

  test('makes a next key when one is missing', () => {
    assert.deepEqual(planScheduledChange([key('a', 'current')], config, T)?.create, [
      { alg: 'RS256', state: 'next' },
    ]);
  });

  test('retires the keys of an algorithm that is no longer configured', () => {
    const es = [key('e1', 'current', { alg: 'ES256' }), key('e2', 'next', { alg: 'ES256' })];
    const plan = planScheduledChange([key('a', 'current'), key('b', 'next'), ...es], config, T);
    assert.deepEqual(plan?.transitions, [
      { kid: 'e1', from: 'current', to: 'retired' },
      { kid: 'e2', from: 'next', to: 'removed' },
    ]);
  });

  test('a forced rotation promotes the published next', () => {
    const plan = planForcedRotation(
      [key('a', 'current'), key('b', 'next')],
      config,
      T + config.jwksMaxAge + 5,
    );
    assert.deepEqual(plan.transitions, [
      { kid: 'a', from: 'current', to: 'retired' },
      { kid: 'b', from: 'next', to: 'current' },
    ]);
  });

  test('K5: a forced rotation refuses a next younger than jwksMaxAge, unless told to ignore it', () => {
    const keys = [key('a', 'current'), key('b', 'next')];
    assert.throws(
      () => planForcedRotation(keys, config, T + 60),
      (error: unknown) => {
        assert.ok(error instanceof RotationRefusedError);
        assert.match(error.message, /published for 60s/);
        assert.match(error.message, /jwksMaxAge/);
        return true;
      },
    );
    assert.ok(planForcedRotation(keys, config, T + 60, { ignorePublicationDelay: true }));
  });

  test('a forced rotation refuses an algorithm that is not configured', () => {
    assert.throws(() => planForcedRotation([], config, T, { algorithms: ['ES256'] }), RotationRefusedError);
  });
});
