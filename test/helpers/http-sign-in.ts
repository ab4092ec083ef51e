import assert from 'node:assert/strict';
import { type HttpBrowser, readForm } from './http-browser.js';

export interface HttpSignIn {
  /** The browser whose cookies hold the provider session afterwards (for a later logout, say). */
  readonly browser: HttpBrowser;
  /** The relying party's /authorize URL. */
  readonly authorizationUrl: URL | string;
  readonly username: string;
  readonly password: string;
}

/**
 * Signs in as a person at a browser would: /authorize → the login form → the consent form, approved.
 * Asserts each page and each post answers as it should, and returns the provider's redirect back to the
 * client (its redirect_uri with code, state and iss), not followed.
 */
export async function signInOverHttp({
  browser,
  authorizationUrl,
  username,
  password,
}: HttpSignIn): Promise<URL> {
  const loginPage = await browser.follow(String(authorizationUrl));
  assert.equal(loginPage.status, 200);
  const login = readForm(await loginPage.text(), loginPage.url || browser.origin);
  const afterLogin = await browser.request(login.action, { form: { ...login.hidden, username, password } });
  assert.equal(afterLogin.status, 303);
  const consentPage = await browser.follow(new URL(afterLogin.headers.get('location')!, browser.origin).href);
  assert.equal(consentPage.status, 200);
  const consent = readForm(await consentPage.text(), browser.origin);
  const approved = await browser.request(consent.action, {
    form: { ...consent.hidden, decision: 'approve' },
  });
  assert.equal(approved.status, 303);
  return new URL(approved.headers.get('location')!);
}
