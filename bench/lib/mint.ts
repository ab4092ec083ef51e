/**
 * State minted through each system's real endpoints before a timed window: sessions, codes, tokens.
 * Nothing is written behind a server's back, so every request of the timed window is valid.
 */
import { HttpBrowser } from '../../test/helpers/http-browser.js';
import { CHEAP_USER } from './fixtures.js';
import type { RunningServer } from './server-process.js';
import {
  authorize,
  codeExchangeBody,
  type Endpoints,
  exchangeCode,
  newPkce,
  type TokenResponse,
} from './sign-in.js';

export const FLOW_SCOPE = 'openid profile email';
export const OFFLINE_SCOPE = 'openid profile email offline_access';

export function endpointsOf(server: RunningServer): Endpoints {
  return { authorization: server.discovery.authorization_endpoint, token: server.discovery.token_endpoint };
}

/** Runs `task(i)` for i < count, `parallel` at a time. */
async function inParallel<T>(count: number, parallel: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      results[i] = await task(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, count) }, worker));
  return results;
}

/**
 * Complete sign-ins (login and consent, prompt=consent so both systems ask and both issue refresh
 * tokens for offline_access), each exchanged for tokens.
 */
export async function mintTokens(
  server: RunningServer,
  count: number,
  scope = OFFLINE_SCOPE,
): Promise<TokenResponse[]> {
  const endpoints = endpointsOf(server);
  return inParallel(count, 8, async () => {
    const pkce = newPkce();
    const browser = new HttpBrowser(server.ready.url);
    const code = await authorize(browser, endpoints, {
      client: server.ready.web,
      account: CHEAP_USER,
      scope,
      pkce,
      prompt: 'consent',
    });
    return exchangeCode(endpoints, server.ready.web, code, pkce);
  });
}

/**
 * `count` authorization codes, as token-request bodies: signed-in browsers (session and grant in place)
 * send authorization requests and collect the codes from the redirects.
 */
export async function mintCodeExchanges(
  server: RunningServer,
  count: number,
  browsers = 16,
): Promise<string[]> {
  const endpoints = endpointsOf(server);
  const signedIn = await inParallel(browsers, browsers, async () => {
    const browser = new HttpBrowser(server.ready.url);
    const pkce = newPkce();
    await authorize(browser, endpoints, {
      client: server.ready.web,
      account: CHEAP_USER,
      scope: FLOW_SCOPE,
      pkce,
      prompt: 'consent',
    });
    return { browser, pkce };
  });
  return inParallel(count, browsers, async (i) => {
    const { browser, pkce } = signedIn[i % browsers]!;
    const code = await authorize(browser, endpoints, {
      client: server.ready.web,
      account: CHEAP_USER,
      scope: FLOW_SCOPE,
      pkce,
    });
    return codeExchangeBody(code, pkce);
  });
}
