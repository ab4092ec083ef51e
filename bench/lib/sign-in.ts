/**
 * A scripted user agent for the authorization code flow, the same against both systems: it follows the
 * provider's redirects, fills the login form (Latchkey's `username`, the peer's `login`) and approves
 * the consent form, and stops at the redirect URI with the code. Used to mint state before a timed
 * window and, in the flows scenario, as the timed client itself. Every step checks its status, so a
 * failed flow throws instead of being counted.
 */
import { createHash, randomBytes } from 'node:crypto';
import { basicAuth, type ClientCredentials, REDIRECT_URI } from './fixtures.js';

export interface Endpoints {
  readonly authorization: string;
  readonly token: string;
}

export interface Account {
  readonly username: string;
  readonly password: string;
}

/** Just enough of a browser: a cookie jar for one origin, manual redirects, form posts. */
export class Browser {
  readonly #cookies = new Map<string, string>();
  constructor(readonly origin: string) {}

  async request(url: string, form?: Record<string, string>): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.#cookies.size > 0) {
      headers['cookie'] = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    let body: string | undefined;
    if (form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      // What a browser sends on a same-origin form post (Latchkey's S4 Origin check).
      headers['origin'] = this.origin;
      headers['sec-fetch-site'] = 'same-origin';
      body = new URLSearchParams(form).toString();
    }
    const response = await fetch(url, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    for (const cookie of response.headers.getSetCookie()) {
      const pair = cookie.split(';')[0]!;
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.#cookies.delete(name);
      else this.#cookies.set(name, pair.slice(eq + 1).trim());
    }
    return response;
  }
}

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
};
const decode = (value: string) => value.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (e) => ENTITIES[e]!);

/** The page's form: where it posts and the fields a person would send (hidden inputs + answers). */
function answerForm(
  page: string,
  base: string,
  account: Account,
): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*\saction="([^"]*)"/.exec(page)?.[1];
  if (action === undefined) throw new Error(`no form on the page: ${page.slice(0, 200)}`);
  const fields: Record<string, string> = {};
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\s*\/?>/g)) {
    fields[match[1]!] = decode(match[2]!);
  }
  if (/name="password"/.test(page)) {
    fields[/name="login"/.test(page) ? 'login' : 'username'] = account.username;
    fields['password'] = account.password;
  }
  if (/name="decision"/.test(page)) fields['decision'] = 'approve';
  return { action: new URL(decode(action), base).href, fields };
}

const isRedirect = (response: Response) => response.status >= 300 && response.status < 400;

/**
 * Authorization request → (login) → (consent) → the code at the redirect URI. With a browser that
 * already has a session and a grant, both providers answer the authorization request with the code.
 */
export async function authorize(
  browser: Browser,
  endpoints: Endpoints,
  request: { client: ClientCredentials; account: Account; scope: string; pkce: Pkce; prompt?: string },
): Promise<string> {
  const url = new URL(endpoints.authorization);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: request.client.clientId,
    redirect_uri: REDIRECT_URI,
    scope: request.scope,
    state: randomBytes(8).toString('base64url'),
    nonce: randomBytes(8).toString('base64url'),
    code_challenge: request.pkce.challenge,
    code_challenge_method: 'S256',
    ...(request.prompt ? { prompt: request.prompt } : {}),
  }).toString();
  let at = url.href;
  let response = await browser.request(at);
  for (let step = 0; step < 12; step++) {
    if (isRedirect(response)) {
      const next = new URL(response.headers.get('location')!, at);
      await response.body?.cancel();
      if (next.href.startsWith(REDIRECT_URI)) {
        const code = next.searchParams.get('code');
        if (code === null) throw new Error(`authorization failed: ${next.searchParams.get('error')}`);
        return code;
      }
      at = next.href;
      response = await browser.request(at);
    } else if (response.status === 200) {
      const form = answerForm(await response.text(), at, request.account);
      at = form.action;
      response = await browser.request(at, form.fields);
    } else {
      throw new Error(
        `unexpected ${response.status} at ${new URL(at).pathname}: ${(await response.text()).slice(0, 200)}`,
      );
    }
  }
  throw new Error('the authorization flow did not reach the redirect URI');
}

export interface TokenResponse {
  readonly access_token: string;
  readonly refresh_token?: string;
  readonly id_token?: string;
}

export async function exchangeCode(
  endpoints: Endpoints,
  client: ClientCredentials,
  code: string,
  pkce: Pkce,
): Promise<TokenResponse> {
  const response = await fetch(endpoints.token, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(client) },
    body: codeExchangeBody(code, pkce),
  });
  if (response.status !== 200) throw new Error(`code exchange: ${response.status} ${await response.text()}`);
  return (await response.json()) as TokenResponse;
}

export function codeExchangeBody(code: string, pkce: Pkce): string {
  return new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: REDIRECT_URI,
    code_verifier: pkce.verifier,
  }).toString();
}
