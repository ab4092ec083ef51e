import { createHash, randomBytes } from 'node:crypto';
import {
  createClient,
  createUser,
  type KeyManager,
  type OpenedProviderStores,
  type ProviderConfig,
  type ProviderConfigOverrides,
} from '@latchkey/provider';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { type frozenClock, type TestProviderAppOptions, testProviderApp } from '../helpers/fixtures.js';

export const CLIENT_ID = 'example-app';
export const REDIRECT_URI = 'https://app.example.com/callback';
export const OTHER_REDIRECT_URI = 'https://app.example.com/other';
export const PASSWORD = 'correct horse battery staple';
/** An RFC 8707 resource the client may ask tokens for. */
export const API_RESOURCE = 'https://api.example.com';

/** A PKCE pair (RFC 7636 §4.1–4.2). */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface Harness {
  readonly app: FastifyInstance;
  readonly stores: OpenedProviderStores;
  readonly config: ProviderConfig;
  readonly clock: ReturnType<typeof frozenClock>;
  readonly keyManager: KeyManager;
  readonly userId: string;
  close(): Promise<void>;
}

/**
 * A provider app over a fresh SQLite database with one confidential client (two redirect URIs,
 * openid profile email) and one user, alice, with a frozen clock.
 */
export async function createHarness(
  overrides: ProviderConfigOverrides = {},
  options: Omit<TestProviderAppOptions, 'overrides'> = {},
): Promise<Harness> {
  const { app, clock, config, stores, keyManager } = await testProviderApp({ ...options, overrides });
  await createClient(stores, {
    name: 'Example App',
    clientId: CLIENT_ID,
    redirectUris: [REDIRECT_URI, OTHER_REDIRECT_URI],
    scopes: ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'],
    allowedResources: [API_RESOURCE, 'https://reports.example.com'],
  });
  const user = await createUser(stores, { username: 'alice', password: PASSWORD, name: 'Alice Example' });
  return {
    app,
    stores,
    config,
    clock,
    keyManager,
    userId: user.id,
    async close() {
      await app.close();
      await keyManager.stop();
    },
  };
}

/** The parameters of a valid request; override or drop (undefined) any. */
export function authorizeParams(overrides: Record<string, string | undefined> = {}): URLSearchParams {
  const params: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: CLIENT_ID,
    redirect_uri: REDIRECT_URI,
    scope: 'openid profile',
    state: 'state-123',
    nonce: 'nonce-456',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined) search.append(name, value);
  return search;
}

/** The parameters of a redirect's Location (query or fragment). */
export function responseParams(location: string): URLSearchParams {
  const url = new URL(location);
  return new URLSearchParams(url.hash !== '' ? url.hash.slice(1) : url.search);
}

/** A value of a hidden input of a page. */
export function hiddenInput(html: string, name: string): string {
  const match = new RegExp(`<input type="hidden" name="${name}" value="([^"]*)">`).exec(html);
  if (!match?.[1]) throw new Error(`no hidden ${name} input in the page`);
  return match[1];
}

/**
 * A browser for app.inject: keeps the cookies the provider sets (by name, as a browser would per
 * host) and sends them back; follows nothing by itself.
 */
let browsers = 0;

export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly app: FastifyInstance,
    readonly headers: Record<string, string> = {},
    /** Each browser its own address by default, so per-IP login limits of one test do not touch another. */
    readonly remoteAddress = `10.0.${Math.floor(++browsers / 250)}.${browsers % 250}`,
  ) {}

  async request(options: InjectOptions): Promise<LightMyRequestResponse> {
    const cookie = [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
    const response = await this.app.inject({
      remoteAddress: this.remoteAddress,
      ...options,
      headers: {
        ...this.headers,
        ...(cookie ? { cookie } : {}),
        ...(options.headers as Record<string, string>),
      },
    });
    const setCookie = response.headers['set-cookie'];
    for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (/Max-Age=0/.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return response;
  }

  get(url: string, headers: Record<string, string> = {}) {
    return this.request({ method: 'GET', url, headers });
  }

  post(url: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.request({
      method: 'POST',
      url,
      payload: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  authorize(params: URLSearchParams) {
    return this.get(`/authorize?${params}`);
  }

  /**
   * The login form an answer leads to: the answer itself (GET /authorize shows the form when sign-in
   * is the first step), or the page a 303 to /login points at. Undefined when it leads elsewhere.
   */
  loginForm(response: LightMyRequestResponse): Promise<LightMyRequestResponse | undefined> {
    return this.#formPage(response, 'login');
  }

  /** The consent form an answer leads to, like loginForm: the answer itself or the /consent page. */
  consentForm(response: LightMyRequestResponse): Promise<LightMyRequestResponse | undefined> {
    return this.#formPage(response, 'consent');
  }

  async #formPage(response: LightMyRequestResponse, page: FormPage) {
    if (isFormPage(response, page)) return response;
    const location = String(response.headers.location ?? '');
    if (!new RegExp(`^/(.+/)?${page}\\?`).test(location)) return undefined;
    return this.follow(response);
  }

  /** Follows a 303 to one of the provider's own pages. */
  follow(response: LightMyRequestResponse) {
    const location = String(response.headers.location);
    if (!location.startsWith('/')) throw new Error(`not a provider page: ${location}`);
    return this.get(location);
  }

  /** Posts the login form of a login page. */
  submitLogin(
    page: LightMyRequestResponse,
    username: string,
    password: string,
    headers: Record<string, string> = {},
  ) {
    return this.post(
      '/login',
      {
        interaction: hiddenInput(page.body, 'interaction'),
        csrf_token: hiddenInput(page.body, 'csrf_token'),
        username,
        password,
      },
      headers,
    );
  }

  /** Posts the consent form of a consent page. */
  submitConsent(page: LightMyRequestResponse, decision: 'approve' | 'deny') {
    return this.post('/consent', {
      interaction: hiddenInput(page.body, 'interaction'),
      csrf_token: hiddenInput(page.body, 'csrf_token'),
      decision,
    });
  }

  /**
   * The whole interactive flow from /authorize: login (if asked), consent (if asked); returns the final
   * response (a redirect to the client, or a form_post page).
   */
  async signIn(params: URLSearchParams, password = PASSWORD): Promise<LightMyRequestResponse> {
    let response = await this.authorize(params);
    const login = await this.loginForm(response);
    if (login !== undefined) response = await this.submitLogin(login, 'alice', password);
    const consent = await this.consentForm(response);
    if (consent !== undefined) response = await this.submitConsent(consent, 'approve');
    return response;
  }
}

type FormPage = 'login' | 'consent';

/** A 200 page holding the form that posts to the provider's /login or /consent. */
function isFormPage(response: LightMyRequestResponse, page: FormPage): boolean {
  return (
    response.statusCode === 200 &&
    new RegExp(`<form method="post" action="[^"]*/${page}">`).test(response.body)
  );
}

/** A 200 page holding the sign-in form. */
export const isLoginForm = (response: LightMyRequestResponse) => isFormPage(response, 'login');

/** A 200 page holding the consent form. */
export const isConsentForm = (response: LightMyRequestResponse) => isFormPage(response, 'consent');
