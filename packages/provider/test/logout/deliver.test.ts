import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type DeliveryIo, deliverLogoutToken } from '../../src/logout/deliver.js';
import { type FakeAnswer, fakeFetch } from './fake-fetch.js';

const URI = 'https://rp.example/backchannel-logout';
const SETTINGS = { attempts: 3, timeout: 5000, backoff: 1000 };

function io(answers: FakeAnswer[]) {
  const fake = fakeFetch();
  fake.script(URI, ...answers);
  const delays: number[] = [];
  const timeouts: number[] = [];
  const deliveryIo: DeliveryIo = {
    fetch: fake.fetch,
    delay: async (ms) => {
      delays.push(ms);
    },
    timeoutSignal: (ms) => {
      timeouts.push(ms);
      return new AbortController().signal;
    },
  };
  return { fake, delays, timeouts, deliveryIo };
}

const timeout = () =>
  Object.assign(new Error('The operation was aborted due to timeout'), { name: 'TimeoutError' });

describe('deliverLogoutToken', () => {
  const cases: {
    name: string;
    answers: FakeAnswer[];
    delivered: boolean;
    attempts: number;
    reason?: string;
    delays: number[];
  }[] = [
    { name: '200 at once', answers: [200], delivered: true, attempts: 1, delays: [] },
    { name: '204 counts as delivered', answers: [204], delivered: true, attempts: 1, delays: [] },
    {
      name: 'two 503s, then 200',
      answers: [503, 503, 200],
      delivered: true,
      attempts: 3,
      delays: [1000, 2000],
    },
    {
      name: 'a network error, then 200',
      answers: [new TypeError('fetch failed'), 200],
      delivered: true,
      attempts: 2,
      delays: [1000],
    },
    { name: '429 is retried', answers: [429, 200], delivered: true, attempts: 2, delays: [1000] },
    {
      name: 'three 500s: gives up after 3 attempts',
      answers: [500, 500, 500, 200],
      delivered: false,
      attempts: 3,
      reason: 'status 500',
      delays: [1000, 2000],
    },
    {
      name: 'three timeouts: gives up',
      answers: [timeout(), timeout(), timeout()],
      delivered: false,
      attempts: 3,
      reason: 'timeout',
      delays: [1000, 2000],
    },
    {
      name: '400 (the RP refused the token) is final',
      answers: [400, 200],
      delivered: false,
      attempts: 1,
      reason: 'status 400',
      delays: [],
    },
    {
      name: 'a redirect is not followed, and final',
      answers: [302, 200],
      delivered: false,
      attempts: 1,
      reason: 'redirect',
      delays: [],
    },
  ];
  for (const c of cases) {
    test(`${c.name}: ${c.delivered ? 'delivered' : 'not delivered'} after ${c.attempts}`, async () => {
      const { fake, delays, deliveryIo } = io(c.answers);
      const outcome = await deliverLogoutToken(URI, 'the.logout.token', SETTINGS, deliveryIo);
      assert.deepEqual(outcome, {
        delivered: c.delivered,
        attempts: c.attempts,
        ...(c.reason === undefined ? {} : { reason: c.reason }),
      });
      assert.equal(fake.sent.length, c.attempts);
      assert.deepEqual(delays, c.delays);
    });
  }

  test('POSTs logout_token as a form, without following redirects, with the timeout signal on each attempt', async () => {
    const { fake, timeouts, deliveryIo } = io([503, 200]);
    await deliverLogoutToken(URI, 'a.b.c', SETTINGS, deliveryIo);
    for (const request of fake.sent) {
      assert.equal(request.url, URI);
      assert.equal(request.method, 'POST');
      assert.equal(request.headers.get('content-type'), 'application/x-www-form-urlencoded');
      assert.equal(request.body.get('logout_token'), 'a.b.c');
      assert.equal(request.redirect, 'manual');
      assert.ok(request.signal);
    }
    assert.deepEqual(timeouts, [5000, 5000]);
  });

  test('an attempt that hangs is abandoned when its timeout signal fires', async () => {
    const controller = new AbortController();
    const fake = fakeFetch();
    fake.script(
      URI,
      () =>
        new Promise<Response>((_resolve, reject) => {
          controller.signal.addEventListener('abort', () => reject(controller.signal.reason));
        }),
    );
    const pending = deliverLogoutToken(
      URI,
      'a.b.c',
      { attempts: 1, timeout: 10, backoff: 1 },
      {
        fetch: fake.fetch,
        delay: async () => {},
        timeoutSignal: () => controller.signal,
      },
    );
    await fake.next();
    controller.abort(timeout());
    assert.deepEqual(await pending, { delivered: false, attempts: 1, reason: 'timeout' });
  });
});
