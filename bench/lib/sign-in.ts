/**
 * A scripted user agent for the authorization code flow, the same against both systems: it follows the
 * provider's redirects, fills the login form (Latchkey's `username`, the peer's `login`) and approves
 * the consent form, and stops at the redirect URI with the code. Used to mint state before a timed
 * window and, in the flows scenario, as the timed client itself. Every step checks its status, so a
 * failed flow throws instead of being counted.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type HttpBrowser, isRedirect, readForm } from '../../test/helpers/http-browser.js';
import { basicAuth, type ClientCredentials, REDIRECT_URI } from './fixtures.js';

export interface Endpoints {
  readonly authorization: string;
  readonly token: string;
}

export interface Account {
  readonly username: string;
  readonly password: string;
}

export interface Pkce {
  readonly verifier: string;
  readonly challenge: string;
}

export function newPkce(): Pkce {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** The page's form: where it posts and the fields a person would send (hidden inputs + answers). */
function answerForm(
  page: string,
  base: string,
  account: Account,
): { action: string; fields: Record<string, string> } {
  const { action, hidden: fields } = readForm(page, base);
  if (/name="password"/.test(page)) {
    fields[/name="login"/.test(page) ? 'login' : 'username'] = account.username;
    fields['password'] = account.password;
  }
  if (/name="decision"/.test(page)) fields['decision'] = 'approve';
  return { action, fields };
}

/**
 * Authorization request → (login) → (consent) → the code at the redirect URI. With a browser that
 * already has a session and a grant, both providers answer the authorization request with the code.
 */
export async function authorize(
  browser: HttpBrowser,
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
      response = await browser.request(at, { form: form.fields });
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
