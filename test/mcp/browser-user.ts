/**
 * The user's part of an agent's authorization, in Chromium: sign in if asked, approve consent, and
 * hand back the code the browser lands with on the agent's redirect URI. Also the SDK steps around it.
 */
import assert from 'node:assert/strict';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { LaunchedChromium } from '../helpers/chromium.js';
import { connect, type InMemoryAgentAuth, transportFor } from './agent.js';
import { PASSWORD } from './provider.js';

export async function authorizeInBrowser(
  browser: LaunchedChromium,
  url: URL,
  expected: { readonly redirectUrl: string; readonly issuer: string },
): Promise<{ code: string; consent: string }> {
  const page = await browser.context.newPage();
  try {
    await page.goto(url.href);
    if ((await page.locator('input[name="username"]').count()) > 0) {
      await page.fill('input[name="username"]', 'alice');
      await page.fill('input[name="password"]', PASSWORD);
      await Promise.all([
        page.waitForURL((u) => u.pathname === '/consent'),
        page.click('button[type="submit"]'),
      ]);
    }
    const consent = (await page.textContent('main')) ?? '';
    await Promise.all([
      page.waitForURL((u) => u.href.startsWith(expected.redirectUrl)),
      page.click('button[name="decision"][value="approve"]'),
    ]);
    const landed = new URL(page.url());
    assert.equal(landed.searchParams.get('iss'), expected.issuer, 'RFC 9207 iss in the response');
    return { code: landed.searchParams.get('code') ?? assert.fail('no code'), consent };
  } finally {
    await page.close();
  }
}

/** Connects; the first attempt needs the user: authorize in the browser, hand the code over, connect again. */
export async function signInAgent(
  browser: LaunchedChromium,
  serverUrl: string,
  auth: InMemoryAgentAuth,
  expected: { readonly redirectUrl: string; readonly issuer: string },
) {
  await assert.rejects(connect(serverUrl, auth), UnauthorizedError);
  const first = auth.takeAuthorizationUrl() ?? assert.fail('the SDK asked for no authorization');
  const { code, consent } = await authorizeInBrowser(browser, first, expected);
  await transportFor(serverUrl, auth).finishAuth(code);
  return { first, consent, ...(await connect(serverUrl, auth)) };
}
