import { createOidcClient, type LoginTokenSet, type OidcClient } from '@latchkey/oidc';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Clock } from '../lib/clock.js';
import { appendSetCookie, cookieName, readCookie, serializeCookie } from '../sessions/cookies.js';
import { createPendingSealer, PENDING_LIFETIME } from './pending.js';

export interface SignInFlowDeps {
  readonly issuer: string;
  readonly clientId: string;
  readonly redirectUri: string;
  readonly scopes: readonly string[];
  /** The pending sign-in cookie's name (`__Host-` prefixed on https). */
  readonly cookie: string;
  /** HKDF info the pending cookie is sealed under: one per relying party. */
  readonly sealInfo: string;
  readonly secret: Uint8Array;
  readonly random: (n: number) => Buffer;
  readonly clock: Clock;
  /** How the relying party reaches the issuer. Default: global fetch, over the network like any application. */
  readonly fetch?: typeof fetch;
}

export interface FinishedSignIn {
  readonly tokens: LoginTokenSet;
  readonly returnTo: string | undefined;
}

/**
 * The sign-in of a relying party built into the provider (the demo, the console): it uses the provider
 * only from the outside, over HTTP, with @latchkey/oidc's client (discovery, code + PKCE S256, state,
 * nonce, RFC 9207 iss), keeping its pending state in a sealed, single-use cookie.
 */
export interface SignInFlow {
  readonly client: OidcClient;
  /** Sets the pending cookie and answers 303 to the authorization endpoint. Throws when the issuer is unreachable. */
  start(
    reply: FastifyReply,
    options?: { readonly params?: Readonly<Record<string, string>>; readonly returnTo?: string },
  ): Promise<FastifyReply>;
  /**
   * Reads and clears the pending cookie (single use, whatever happens next), then checks the callback
   * and exchanges the code. Undefined when no pending sign-in belongs to this browser (expired, or
   * started in another); throws the client's errors.
   */
  finish(request: FastifyRequest, reply: FastifyReply): Promise<FinishedSignIn | undefined>;
}

export function createSignInFlow(deps: SignInFlowDeps): SignInFlow {
  const secure = deps.issuer.startsWith('https:');
  const name = cookieName(deps.cookie, secure);
  const sealer = createPendingSealer(deps.secret, deps.random, deps.sealInfo);
  const client = createOidcClient({
    issuer: deps.issuer,
    clientId: deps.clientId,
    redirectUri: deps.redirectUri,
    scopes: deps.scopes,
    fetch: deps.fetch ?? fetch,
    now: () => deps.clock() * 1000,
  });
  return {
    client,
    async start(reply, options = {}) {
      const start = await client.startAuthorization(options.params ? { params: options.params } : {});
      const pending = options.returnTo === undefined ? start : { ...start, returnTo: options.returnTo };
      appendSetCookie(
        reply,
        serializeCookie(name, sealer.seal(pending, deps.clock()), { secure, maxAge: PENDING_LIFETIME }),
      );
      return reply
        .code(303)
        .headers({ location: start.url, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' })
        .send();
    },
    async finish(request, reply) {
      const pending = sealer.open(readCookie(request.headers.cookie, name), deps.clock());
      appendSetCookie(reply, serializeCookie(name, '', { secure, maxAge: 0 }));
      if (pending === undefined) return undefined;
      const params = new URL(request.url, deps.issuer).searchParams;
      const tokens = await client.handleCallback(params, pending);
      return { tokens, returnTo: pending.returnTo };
    },
  };
}
