import assert from 'node:assert/strict';

/**
 * Just enough of a browser over plain HTTP: a cookie jar for the provider's origin, redirects left to
 * the caller, and form posts carrying what a browser sends on a same-origin post (the Origin and Fetch
 * Metadata headers the provider's S4 check reads).
 */
export class HttpBrowser {
  readonly #cookies = new Map<string, string>();
  constructor(readonly origin: string) {}

  /** GET, or POST of `form` (url-encoded) when given; the response as it came (redirects not followed). */
  async request(url: string, init: { form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.#cookies.size > 0) {
      headers.cookie = [...this.#cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    }
    let body: string | undefined;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers.origin = this.origin;
      headers['sec-fetch-site'] = 'same-origin';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, {
      method: body === undefined ? 'GET' : 'POST',
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: 'manual',
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq).trim();
      const value = pair!.slice(eq + 1).trim();
      // A cookie set to expire now is the server deleting it.
      if (/max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
    return response;
  }

  /** GETs `url`, following redirects while they stay at this origin; returns the last response. */
  async follow(url: string): Promise<Response> {
    let response = await this.request(url);
    for (let hops = 0; hops < 5 && isRedirect(response); hops++) {
      const next = new URL(response.headers.get('location')!, url).href;
      if (!next.startsWith(this.origin)) return response;
      response = await this.request(next);
    }
    return response;
  }
}

function isRedirect(response: Response): boolean {
  return response.status >= 300 && response.status < 400;
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
  '&#x27;': "'",
};
const decodeEntities = (value: string) =>
  value.replace(/&(?:amp|lt|gt|quot|#39|#x27);/g, (e) => ENTITIES[e]!);

/** The form of a page: its action (absolute) and hidden fields (the interaction id and the CSRF token). */
export function readForm(page: string, base: string): { action: string; hidden: Record<string, string> } {
  const action = /<form[^>]*\saction="([^"]*)"/.exec(page)?.[1];
  assert.ok(action !== undefined, `no form on the page:\n${page.slice(0, 500)}`);
  const hidden: Record<string, string> = {};
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    hidden[match[1]!] = decodeEntities(match[2]!);
  }
  return { action: new URL(decodeEntities(action), base).href, hidden };
}

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
