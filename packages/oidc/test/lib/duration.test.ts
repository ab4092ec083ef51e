import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDuration } from '../../src/lib/duration.js';

test('parseDuration reads seconds and the s, m, h, d units', () => {
  const cases: [number | string, number][] = [
    [300, 300],
    [0, 0],
    [1.5, 1.5],
    ['30s', 30],
    ['5m', 300],
    ['2h', 7200],
    ['1d', 86_400],
    ['0.5m', 30],
  ];
  for (const [input, seconds] of cases) assert.equal(parseDuration(input, 'timeout'), seconds, String(input));
});

test('parseDuration throws a TypeError naming the option for anything else', () => {
  const bad: unknown[] = [
    -1,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    '',
    '5',
    '5 m',
    ' 5m',
    '5M',
    '-5m',
    '1e3s',
    '5w',
    'm',
    null,
    undefined,
    {},
    [5],
  ];
  for (const input of bad) {
    assert.throws(
      () => parseDuration(input as number, 'cooldown'),
      (e: unknown) => e instanceof TypeError && e.message.startsWith('cooldown '),
      String(input),
    );
  }
});
