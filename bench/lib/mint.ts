/**
 * State minted through each system's real endpoints before a timed window: sessions, codes, tokens.
 * Nothing is written behind a server's back, so every request of the timed window is valid.
 */
import { HttpBrowser } from '../../test/helpers/http-browser.js';
import { basicAuth, CHEAP_USER } from './fixtures.js';
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

/**
 * Sign-ins in flight at once: Latchkey counts a login attempt against the account until it settles
 * (checklist L1) and refuses past 5 in flight (ACCOUNT_POLICY), so more at once would be answered 429.
 */
const SIGN_INS_AT_ONCE = 4;

/**
 * Codes live at most 60 s (authorization.codeLifetime). On a loaded machine minting 12,000 can take
 * longer than that, and the first codes would have expired when the timed window reached them: the
 * run would count invalid_grant answers. So minting stops after this long and the window uses the
 * codes minted so far (it ends when they are spent, as the peer's shorter runs do). The window takes
 * them in minting order and faster than they were minted, so the oldest is under 50 s old at the
 * start and every later one is younger when its turn comes.
 */
const CODE_MINTING_BUDGET_MS = 50_000;

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
  return inParallel(count, SIGN_INS_AT_ONCE, async () => {
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
  { scope = FLOW_SCOPE, prompt }: { scope?: string; prompt?: 'consent' } = {},
  browsers = 16,
): Promise<string[]> {
  const endpoints = endpointsOf(server);
  const signedIn = await inParallel(browsers, SIGN_INS_AT_ONCE, async () => {
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
  // One request at a time per browser: a consent interaction lives in the browser's cookie, and two
  // at once in one browser would overwrite each other's.
  const bodies: string[] = new Array(count);
  const deadline = Date.now() + CODE_MINTING_BUDGET_MS;
  await inParallel(browsers, browsers, async (b) => {
    const { browser, pkce } = signedIn[b]!;
    for (let i = b; i < count && Date.now() < deadline; i += browsers) {
      const code = await authorize(browser, endpoints, {
        client: server.ready.web,
        account: CHEAP_USER,
        scope,
        pkce,
        ...(prompt ? { prompt } : {}),
      });
      bodies[i] = codeExchangeBody(code, pkce);
    }
  });
  return bodies.filter((body) => body !== undefined);
}

/**
 * `count` refresh tokens without `count` logins (the login limiter would refuse that many from one
 * address): signed-in browsers consent again (prompt=consent, which both systems require to issue a
 * refresh token for offline_access) and each code is exchanged.
 */
export async function mintRefreshTokens(server: RunningServer, count: number): Promise<string[]> {
  const bodies = await mintCodeExchanges(server, count, { scope: OFFLINE_SCOPE, prompt: 'consent' });
  return inParallel(bodies.length, 8, async (i) => {
    const response = await fetch(server.discovery.token_endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: basicAuth(server.ready.web),
      },
      body: bodies[i]!,
    });
    if (response.status !== 200)
      throw new Error(`code exchange: ${response.status} ${await response.text()}`);
    return ((await response.json()) as TokenResponse).refresh_token!;
  });
}
