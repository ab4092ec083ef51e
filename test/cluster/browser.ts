import assert from 'node:assert/strict';

/** Enough of a browser for the sign-in pages: cookies for one origin, manual redirects, form posts. */
export class Browser {
  private readonly cookies = new Map<string, string>();
  constructor(private readonly origin: string) {}

  async request(url: string, init: { form?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.cookies.size > 0) headers['cookie'] = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['origin'] = this.origin;
    }
    const response = await fetch(url, {
      method: init.form ? 'POST' : 'GET',
      headers,
      redirect: 'manual',
      ...(init.form ? { body: new URLSearchParams(init.form) } : {}),
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const at = pair!.indexOf('=');
      this.cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
    }
    return response;
  }

  /** GETs `url` and follows redirects that stay on the provider's origin. */
  async follow(url: string): Promise<Response> {
    let response = await this.request(url);
    while (response.status >= 300 && response.status < 400) {
      const next = new URL(response.headers.get('location')!, url).href;
      if (!next.startsWith(this.origin)) return response;
      response = await this.request(next);
    }
    return response;
  }
}

const ENTITIES: Record<string, string> = {
  '&amp;': '&',
  '&lt;': '<',
  '&gt;': '>',
  '&quot;': '"',
  '&#39;': "'",
};

/** A page's form: its action and hidden fields (the interaction and the CSRF token). */
export function readForm(page: string, base: string): { action: string; hidden: Record<string, string> } {
  const decode = (v: string) => v.replace(/&(?:amp|lt|gt|quot|#39);/g, (e) => ENTITIES[e]!);
  const action = /<form[^>]*\saction="([^"]*)"/.exec(page)?.[1];
  assert.ok(action !== undefined, `no form on the page:\n${page.slice(0, 300)}`);
  const hidden: Record<string, string> = {};
  for (const m of page.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g))
    hidden[m[1]!] = decode(m[2]!);
  return { action: new URL(decode(action), base).href, hidden };
}
