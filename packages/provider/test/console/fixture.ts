import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, createUser } from '@latchkey/provider';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { syncConsoleClient } from '../../src/console/index.js';
import { Browser, hiddenInput, PASSWORD } from '../authorize/harness.js';
import { testProviderApp } from '../helpers/fixtures.js';

export const ISSUER = 'http://localhost:8080';
export const SAME_ORIGIN = { origin: ISSUER, 'sec-fetch-site': 'same-origin' };

/**
 * The console reaches its issuer over HTTP like any relying party; here that HTTP is app.inject, so the
 * whole flow (discovery, JWKS, token endpoint) runs through the real routes without a socket.
 */
function fetchThrough(app: () => FastifyInstance): typeof fetch {
  return (async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const headers = Object.fromEntries(new Headers(init.headers).entries());
    const response = await app().inject({
      method: (init.method ?? 'GET') as 'GET',
      url: url.pathname + url.search,
      headers,
      ...(init.body === undefined || init.body === null ? {} : { payload: String(init.body) }),
    });
    const out = new Headers();
    for (const [name, value] of Object.entries(response.headers)) {
      for (const v of Array.isArray(value) ? value : [value])
        if (v !== undefined) out.append(name, String(v));
    }
    const empty = response.statusCode === 204 || response.statusCode === 304;
    return new Response(empty ? null : response.rawPayload, { status: response.statusCode, headers: out });
  }) as typeof fetch;
}

export async function consoleFixture(issuer = ISSUER, overrides: Record<string, unknown> = {}) {
  let app: FastifyInstance | undefined;
  // Every log line, to check that no secret is ever written.
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const fixture = await testProviderApp({
    overrides: { ...overrides, ...(issuer === ISSUER ? {} : { issuer }) },
    deps: { fetch: fetchThrough(() => app!), logger: createLogger('debug', sink) },
  });
  app = fixture.app;
  await syncConsoleClient(fixture.stores, issuer);
  const admin = await createUser(fixture.stores, {
    username: 'root',
    password: PASSWORD,
    name: 'Root Admin',
    admin: true,
  });
  const plain = await createUser(fixture.stores, { username: 'alice', password: PASSWORD, name: 'Alice' });
  return { ...fixture, admin, plain, logLines, browser: () => new Browser(fixture.app) };
}

export type ConsoleFixture = Awaited<ReturnType<typeof consoleFixture>>;

/** A provider-absolute URL as a path the app answers. */
export const pathOf = (location: string) => {
  const url = new URL(location, ISSUER);
  return url.pathname + url.search;
};

/**
 * Follows a console sign-in from `response` (a 303 to /admin/sign-in) through the provider's login
 * and consent pages back to the console; returns the last answer (the 303 to the console page).
 */
export async function signInThrough(
  browser: Browser,
  response: LightMyRequestResponse,
  username: string,
  origin = ISSUER,
): Promise<LightMyRequestResponse> {
  return browser.get(pathOf(await callbackLocation(browser, response, username, origin)));
}

/** Like signInThrough, but stops before the console's callback: its URL, with the code and state. */
export async function callbackLocation(
  browser: Browser,
  response: LightMyRequestResponse,
  username: string,
  origin = ISSUER,
): Promise<string> {
  const sameOrigin = { origin, 'sec-fetch-site': 'same-origin' };
  let current = response;
  for (let hop = 0; hop < 12; hop++) {
    if (current.statusCode === 303 || current.statusCode === 302) {
      const location = String(current.headers.location);
      if (/\/admin\/callback\?/.test(location)) return location;
      current = await browser.get(pathOf(location));
      continue;
    }
    if (current.statusCode !== 200) break;
    if (/<form method="post" action="\/login">/.test(current.body)) {
      current = await browser.post(
        '/login',
        {
          interaction: hiddenInput(current.body, 'interaction'),
          csrf_token: hiddenInput(current.body, 'csrf_token'),
          username,
          password: PASSWORD,
        },
        sameOrigin,
      );
      continue;
    }
    if (/<form method="post" action="\/consent">/.test(current.body)) {
      current = await browser.post(
        '/consent',
        {
          interaction: hiddenInput(current.body, 'interaction'),
          csrf_token: hiddenInput(current.body, 'csrf_token'),
          decision: 'approve',
        },
        sameOrigin,
      );
      continue;
    }
    break;
  }
  assert.fail(
    `the console sign-in did not come back: ${current.statusCode} ${current.headers.location ?? ''}`,
  );
}

/** A browser signed in to the console as `username` (its first page answered). */
export async function consoleBrowser(f: ConsoleFixture, username = 'root') {
  const browser = f.browser();
  const first = await browser.get('/admin');
  assert.equal(first.statusCode, 303);
  const back = await signInThrough(browser, first, username);
  assert.equal(back.statusCode, 303);
  assert.equal(back.headers.location, '/admin');
  return browser;
}

/** Posts a console form with the CSRF token of the page at `from`. */
export async function postFrom(
  browser: Browser,
  from: string,
  action: string,
  fields: Record<string, string> = {},
  headers: Record<string, string> = SAME_ORIGIN,
) {
  const page = await browser.get(from);
  assert.equal(page.statusCode, 200, `GET ${from}`);
  return browser.post(action, { csrf_token: hiddenInput(page.body, 'csrf_token'), ...fields }, headers);
}
