import type { IncomingMessage, ServerResponse } from 'node:http';
import type { UserAuthenticationRequirement } from '@latchkey/oidc';
import { type JwtClaims, type OidcClient, randomToken } from '@latchkey/oidc';
import type { GatewayConfig } from '../config/types.js';
import { safeReturnUrl } from '../policy/return-url.js';
import { redirect, sendJson, sendPage } from '../proxy/pages.js';
import { equalHashes } from '../session/compare.js';
import { readCookies, serializeCookie } from '../session/cookies.js';
import type { Sessions } from '../session/manager.js';
import { hashId, Sealer } from '../session/seal.js';
import type { SessionStore } from '../session/store.js';
import { callbackFailure } from './callback-failure.js';
import { stepUpParams } from './step-up.js';
import { claimsNeeded, userInfoClaims } from './userinfo.js';

const LOGIN_LIFETIME = 600;
// Browsers keep about 4096 bytes per cookie, name and attributes included (RFC 6265 §6.1 asks for at
// least that). A cookie-only session is split into chunks of this many characters, at most
// MAX_SESSION_CHUNKS of them: beyond that the Cookie header outgrows what servers accept (Node: 16 KiB).
export const SESSION_CHUNK_SIZE = 3800;
export const MAX_SESSION_CHUNKS = 3;
const MAX_FORM_BYTES = 64 * 1024;

interface PendingLogin {
  readonly binding: string;
  readonly nonce: string;
  readonly codeVerifier: string;
  readonly returnTo: string;
  readonly provider: string;
}

export interface BrowserFlowDeps {
  readonly config: GatewayConfig;
  readonly store: SessionStore;
  readonly sessions: Sessions;
  readonly clients: ReadonlyMap<string, OidcClient>;
  readonly now: () => number;
  /** For the UserInfo request at sign-in. */
  readonly fetch: typeof fetch;
}

/**
 * Browser sign-in, sign-out and back-channel logout.
 * - start: a new authorization request (code, PKCE S256, state, nonce); the pending login is stored
 *   under the state's hash with a hash of a random binding that only this browser holds, in a sealed
 *   pre-login cookie (checklist A7).
 * - callback: the login is consumed once (A7), must belong to this browser's pre-login cookie (A7),
 *   then the client checks `iss` (A8, RFC 9207), exchanges the code with the PKCE verifier and checks
 *   the ID token and its nonce (A9, J18–J23). A new session id is issued (S3) and any session the
 *   browser arrived with is ended.
 * - logout: local, then RP-initiated at the provider when it advertises an end-session endpoint.
 * - back-channel logout: a verified logout token ends the sessions it names (OIDC Back-Channel Logout §2.7).
 */
export class BrowserFlows {
  readonly #deps: BrowserFlowDeps;
  readonly #sealer: Sealer;
  readonly sessionCookie: string;
  readonly loginCookie: string;
  /** Every cookie name the session may use: the name, or its numbered chunks for cookie-only sessions. */
  readonly sessionCookieNames: readonly string[];
  readonly #chunked: boolean;
  readonly #secure: boolean;
  /** Per provider, the claims headers and policies read (UserInfo fills in those the ID token lacks). */
  readonly #claimsNeeded: ReadonlyMap<string, readonly string[]>;

  constructor(deps: BrowserFlowDeps) {
    this.#deps = deps;
    this.#sealer = new Sealer(deps.config.cookie.secret, 'cookies');
    this.sessionCookie = deps.config.cookie.name;
    this.loginCookie = `${deps.config.cookie.name}-login`;
    this.#chunked = deps.config.sessionStore === 'cookie';
    this.sessionCookieNames = this.#chunked
      ? Array.from({ length: MAX_SESSION_CHUNKS }, (_, i) => `${this.sessionCookie}.${i}`)
      : [this.sessionCookie];
    this.#secure = deps.config.publicUrl.protocol === 'https:';
    this.#claimsNeeded = new Map(deps.config.providers.map((p) => [p.id, claimsNeeded(deps.config, p)]));
  }

  get #origin(): string {
    return this.#deps.config.publicUrl.origin;
  }

  /** The session id in this request's cookie, if it opens (S6: tampered or foreign values do not). */
  sessionIdOf(req: IncomingMessage): string | undefined {
    if (this.#chunked) {
      // The chunks in order, up to the first missing one; the seal covers the whole (S6).
      let sealed = '';
      for (const name of this.sessionCookieNames) {
        const [chunk] = readCookies(req.headers.cookie, name);
        if (chunk === undefined) break;
        sealed += chunk;
      }
      return sealed === '' ? undefined : this.#sealer.open(sealed, this.sessionCookie);
    }
    for (const value of readCookies(req.headers.cookie, this.sessionCookie)) {
      const id = this.#sealer.open(value, this.sessionCookie);
      if (id !== undefined) return id;
    }
    return undefined;
  }

  /** Redirects the browser to the provider; `returnTo` is checked (G3). */
  async start(
    res: ServerResponse,
    providerId: string,
    returnTo: string | null | undefined,
    /** RFC 9470 step-up: what the route needs that the session's sign-in lacks. */
    stepUp?: UserAuthenticationRequirement,
  ): Promise<void> {
    const client = this.#deps.clients.get(providerId)!;
    const authorization = await client.startAuthorization({ params: stepUpParams(stepUp) });
    const binding = randomToken();
    const pending: PendingLogin = {
      binding: hashId(binding),
      nonce: authorization.nonce,
      codeVerifier: authorization.codeVerifier,
      returnTo: safeReturnUrl(returnTo, this.#origin, this.#deps.config.allowedRedirectOrigins),
      provider: providerId,
    };
    const stateHash = hashId(authorization.state);
    await this.#deps.store.createLogin({
      stateHash,
      data: this.#sealer.seal(JSON.stringify(pending), stateHash),
      expiresAt: this.#seconds() + LOGIN_LIFETIME,
    });
    const cookie = serializeCookie(this.loginCookie, this.#sealer.seal(binding, this.loginCookie), {
      secure: this.#secure,
      maxAge: LOGIN_LIFETIME,
    });
    redirect(res, authorization.url, [cookie]);
  }

  async callback(req: IncomingMessage, res: ServerResponse, query: string): Promise<void> {
    const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query);
    const state = params.get('state');
    const refuse = (text: string) =>
      sendPage(res, 400, 'Sign-in failed', text, { 'set-cookie': this.#clear(this.loginCookie) });
    if (state === null || params.getAll('state').length !== 1)
      return refuse('The sign-in response has no state.');
    const stateHash = hashId(state);
    const row = await this.#deps.store.consumeLogin(stateHash, this.#seconds());
    if (row === undefined) return refuse('This sign-in has expired or was already used. Please start again.');
    const pending = JSON.parse(this.#sealer.open(row.data, stateHash) ?? 'null') as PendingLogin | null;
    const binding = readCookies(req.headers.cookie, this.loginCookie)
      .map((value) => this.#sealer.open(value, this.loginCookie))
      .find((value) => value !== undefined);
    if (pending === null || binding === undefined || !equalHashes(hashId(binding), pending.binding)) {
      return refuse('This sign-in was started in another browser. Please start again.');
    }
    const client = this.#deps.clients.get(pending.provider);
    if (client === undefined) return refuse('The provider of this sign-in is no longer configured.');
    let tokens: Awaited<ReturnType<OidcClient['handleCallback']>>;
    let userinfo: JwtClaims | undefined;
    try {
      tokens = await client.handleCallback(params, {
        state,
        nonce: pending.nonce,
        codeVerifier: pending.codeVerifier,
      });
      userinfo = await userInfoClaims(
        client,
        tokens,
        this.#claimsNeeded.get(pending.provider)!,
        this.#deps.fetch,
      );
    } catch (error) {
      const { status, code } = callbackFailure(error);
      const text =
        status === 502
          ? `The sign-in service could not be used (${code}). Please try again later.`
          : `The sign-in could not be completed (${code}). Please start again.`;
      return sendPage(res, status, 'Sign-in failed', text, { 'set-cookie': this.#clear(this.loginCookie) });
    }
    const previous = this.sessionIdOf(req);
    if (previous !== undefined) await this.#deps.sessions.end(hashId(previous));
    const id = await this.#deps.sessions.create(pending.provider, tokens, userinfo);
    const cookies = this.#sessionCookies(id);
    if (cookies === undefined) {
      return sendPage(
        res,
        500,
        'Sign-in failed',
        `The provider's tokens do not fit in a cookie-only session (at most ${MAX_SESSION_CHUNKS} cookies of ${SESSION_CHUNK_SIZE} characters). Ask the administrator to use session.store: server.`,
        { 'set-cookie': this.#clear(this.loginCookie) },
      );
    }
    redirect(res, pending.returnTo, [...cookies, ...this.#clear(this.loginCookie)]);
  }

  async logout(req: IncomingMessage, res: ServerResponse, query: string): Promise<void> {
    const returnTo = safeReturnUrl(
      new URLSearchParams(query.slice(1)).get('rd'),
      this.#origin,
      this.#deps.config.allowedRedirectOrigins,
    );
    const id = this.sessionIdOf(req);
    let location = returnTo;
    if (id !== undefined) {
      const session = await this.#deps.sessions.resolve(id).catch(() => undefined);
      await this.#deps.sessions.end(hashId(id));
      const client = session === undefined ? undefined : this.#deps.clients.get(session.provider);
      // OIDC RP-Initiated Logout §2: the provider ends its session too, then returns to publicUrl.
      const endSession = await client
        ?.endSessionUrl({
          idTokenHint: session?.data.idToken || undefined,
          postLogoutRedirectUri: this.#deps.config.publicUrl.href,
        })
        .catch(() => undefined);
      if (endSession !== undefined) location = endSession;
    }
    redirect(
      res,
      location,
      this.sessionCookieNames.flatMap((name) => this.#clear(name)),
    );
  }

  async backchannelLogout(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const headers = { 'cache-control': 'no-store' };
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (req.method !== 'POST' || type !== 'application/x-www-form-urlencoded') {
      return sendJson(
        res,
        400,
        { error: 'invalid_request', error_description: 'POST a logout_token form' },
        headers,
      );
    }
    const body = await readBody(req, MAX_FORM_BYTES);
    const tokens = body === undefined ? [] : new URLSearchParams(body).getAll('logout_token');
    if (tokens.length !== 1) {
      return sendJson(
        res,
        400,
        { error: 'invalid_request', error_description: 'one logout_token is required' },
        headers,
      );
    }
    for (const [id, client] of this.#deps.clients) {
      try {
        const claims = await client.verifyLogoutToken(tokens[0]!);
        await this.#deps.sessions.endFor(id, { sid: claims.sid, sub: claims.sub });
        return sendJson(res, 200, {}, headers);
      } catch {
        // Try the next provider; each checks the token's issuer exactly.
      }
    }
    sendJson(
      res,
      400,
      { error: 'invalid_request', error_description: 'the logout token is not valid' },
      headers,
    );
  }

  /** The Set-Cookie lines for a new session value; undefined when a cookie-only session is too large. */
  #sessionCookies(value: string): string[] | undefined {
    const sealed = this.#sealer.seal(value, this.sessionCookie);
    const options = { secure: this.#secure, maxAge: this.#deps.config.cookie.maxAge };
    if (!this.#chunked) return [serializeCookie(this.sessionCookie, sealed, options)];
    const count = Math.ceil(sealed.length / SESSION_CHUNK_SIZE);
    if (count > MAX_SESSION_CHUNKS) return undefined;
    // Chunks an earlier, larger session left behind are cleared, so they cannot be appended.
    return this.sessionCookieNames.map((name, i) =>
      i < count
        ? serializeCookie(name, sealed.slice(i * SESSION_CHUNK_SIZE, (i + 1) * SESSION_CHUNK_SIZE), options)
        : serializeCookie(name, '', { secure: this.#secure, maxAge: 0 }),
    );
  }

  #clear(name: string): string[] {
    return [serializeCookie(name, '', { secure: this.#secure, maxAge: 0 })];
  }

  #seconds(): number {
    return Math.floor(this.#deps.now() / 1000);
  }
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
