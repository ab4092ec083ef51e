import assert from 'node:assert/strict';
import { TestBrowser } from './browser.js';
import type { Harness } from './gateway.js';

/**
 * Signs a browser in through the whole redirect dance (protected page → start → provider → callback)
 * with `claims` in the ID token; returns the browser holding its session cookie.
 */
export async function signIn(
  h: Harness,
  claims: Record<string, unknown> = {},
  { browser = new TestBrowser(), path = '/home' }: { browser?: TestBrowser; path?: string } = {},
): Promise<TestBrowser> {
  const url = (p: string) => `${h.gateway.url}${p}`;
  const first = await browser.get(url(path));
  assert.equal(first.status, 302);
  const start = await browser.get(url(first.headers.get('location')!));
  assert.equal(start.status, 302);
  const callback = new URL(h.op.authorize(start.headers.get('location')!, { claims }));
  const done = await browser.get(url(callback.pathname + callback.search));
  assert.equal(done.status, 302, await done.clone().text());
  assert.equal(done.headers.get('location'), path);
  return browser;
}
