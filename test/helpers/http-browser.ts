/**
 * Just enough of a browser over plain HTTP, shared by the end-to-end tests, the cluster tests and the
 * benchmark's scripted sign-ins: a cookie jar for one origin, redirects left to the caller (or followed
 * within the origin), and form posts carrying what a browser sends on a same-origin post (the Origin and
 * Fetch Metadata headers the provider's S4 check reads).
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

export function isRedirect(response: Response): boolean {
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

/**
 * The form of a page: its action (absolute) and hidden fields (the interaction id and the CSRF token).
 * Self-closing inputs (`/>`, as node-oidc-provider writes them) are read too.
 */
export function readForm(page: string, base: string): { action: string; hidden: Record<string, string> } {
  const action = /<form[^>]*\saction="([^"]*)"/.exec(page)?.[1];
  if (action === undefined) throw new Error(`no form on the page:\n${page.slice(0, 500)}`);
  const hidden: Record<string, string> = {};
  for (const match of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"\s*\/?>/g)) {
    hidden[match[1]!] = decodeEntities(match[2]!);
  }
  return { action: new URL(decodeEntities(action), base).href, hidden };
}
