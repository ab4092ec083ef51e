import type { IncomingMessage } from 'node:http';
import type { Identity } from '../auth/identity.js';
import type { IdentityHeaderNames } from '../config/types.js';
import { withoutCookies } from '../session/cookies.js';

// RFC 9110 §7.6.1: connection-specific fields never travel past one hop.
const HOP_BY_HOP: ReadonlySet<string> = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authorization',
  'proxy-authenticate',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

// Headers that tell an upstream who the caller is, or where the request came from. A client's copies
// are dropped (checklist G1); forwarding headers are kept only from a trusted proxy.
const IDENTITY_PREFIXES = ['x-auth-request-', 'x-forwarded-user', 'x-forwarded-email', 'x-forwarded-groups'];
const IDENTITY_NAMES: ReadonlySet<string> = new Set([
  'x-forwarded-preferred-username',
  'x-forwarded-access-token',
  'x-remote-user',
  'remote-user',
  'x-user',
  'x-email',
]);
const FORWARDING_NAMES: ReadonlySet<string> = new Set([
  'forwarded',
  'x-real-ip',
  'x-original-uri',
  'x-original-url',
  'x-original-method',
  'x-rewrite-url',
  'x-client-ip',
]);

export interface UpstreamHeaderOptions {
  readonly proto: 'http' | 'https';
  readonly names: IdentityHeaderNames;
  readonly forwardAccessToken: boolean;
  /** Cookies removed from the Cookie header: the gateway's own and the providers' (cookiesToStrip). */
  readonly strippedCookies: ReadonlySet<string>;
}

/**
 * What becomes of a request header, by name: `keep`; `drop`; `upgrade` (kept only for an upgrade
 * pass-through); `forwarding` (`X-Forwarded-*` and the like: kept only from a trusted proxy, spelled
 * exactly); `forwarded-for` (merged into one list that ends with the peer); `cookie` (the gateway's own
 * cookies are taken out).
 */
type Fate = 'keep' | 'drop' | 'upgrade' | 'forwarding' | 'forwarded-for' | 'cookie';

// Header names repeat from request to request; their fate is remembered, up to a bound, so a client
// sending random names cannot grow it.
const MAX_REMEMBERED_NAMES = 512;

/**
 * The request headers for the upstream, as a flat [name, value, …] list (undici's raw form): hop-by-hop
 * headers and those named in `Connection` dropped, identity and forwarding headers stripped (G1), the
 * gateway's cookies removed, then `X-Forwarded-*` and the identity headers set by the gateway.
 */
export class UpstreamHeaders {
  readonly #options: UpstreamHeaderOptions;
  readonly #identityNames: ReadonlySet<string>;
  readonly #fates = new Map<string, { readonly name: string; readonly fate: Fate }>();
  /** Identity headers per identity (an identity is built once per verified token or session). */
  readonly #identityLists = new WeakMap<Identity, readonly string[]>();

  constructor(options: UpstreamHeaderOptions) {
    this.#options = options;
    const { names } = options;
    this.#identityNames = new Set([names.user, names.email, names.groups, names.accessToken, names.jwt]);
  }

  /** `peerTrusted`: the peer is a configured proxy whose forwarding headers are believed (G1). */
  build(
    req: IncomingMessage,
    peer: string,
    peerTrusted: boolean,
    identity: Identity | undefined,
    upgrade: boolean,
  ): string[] {
    const raw = req.rawHeaders;
    const out: string[] = [];
    let forwardedFor: string | undefined;
    let connection: string | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const { name, fate } = this.#fateOf(raw[i]!);
      const value = raw[i + 1]!;
      switch (fate) {
        case 'keep':
          out.push(name, value);
          break;
        case 'drop':
          if (name === 'connection') connection = connection === undefined ? value : `${connection},${value}`;
          break;
        case 'upgrade':
          if (upgrade) out.push(name, value);
          break;
        case 'forwarding':
          if (peerTrusted) out.push(name, value);
          break;
        case 'forwarded-for':
          if (peerTrusted) forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
          break;
        case 'cookie': {
          const rest = withoutCookies(value, this.#options.strippedCookies);
          if (rest !== '') out.push(name, rest);
          break;
        }
      }
    }
    let headers = out;
    if (connection !== undefined) {
      // RFC 9110 §7.6.1: the fields `Connection` names are for this hop only (`Upgrade` is re-sent below).
      const named = new Set(connection.split(',').map((token) => token.trim().toLowerCase()));
      if (upgrade) named.delete('upgrade');
      if (named.has('x-forwarded-for')) forwardedFor = undefined;
      headers = withoutNamed(out, named);
    }
    if (upgrade) headers.push('connection', 'upgrade');
    headers.push('x-forwarded-for', forwardedFor === undefined ? peer : `${forwardedFor}, ${peer}`);
    if (!peerTrusted) {
      headers.push('x-forwarded-proto', this.#options.proto);
      const host = req.headers.host;
      if (host !== undefined) headers.push('x-forwarded-host', host);
    }
    if (identity !== undefined) {
      let list = this.#identityLists.get(identity);
      if (list === undefined) {
        list = identityHeaders(identity, this.#options.names, this.#options.forwardAccessToken);
        this.#identityLists.set(identity, list);
      }
      for (const item of list) headers.push(item);
    }
    return headers;
  }

  #fateOf(rawName: string): { readonly name: string; readonly fate: Fate } {
    let known = this.#fates.get(rawName);
    if (known === undefined) {
      const name = rawName.toLowerCase();
      known = { name, fate: this.#classify(name) };
      if (this.#fates.size < MAX_REMEMBERED_NAMES) this.#fates.set(rawName, known);
    }
    return known;
  }

  #classify(name: string): Fate {
    // `X_Auth_Request_User` reaches CGI/WSGI apps as HTTP_X_AUTH_REQUEST_USER too: compare with `_` as `-`.
    const folded = name.replaceAll('_', '-');
    if (name === 'upgrade') return 'upgrade';
    if (HOP_BY_HOP.has(name)) return 'drop';
    if (
      this.#identityNames.has(folded) ||
      IDENTITY_NAMES.has(folded) ||
      IDENTITY_PREFIXES.some((p) => folded.startsWith(p))
    ) {
      return 'drop';
    }
    if (folded.startsWith('x-forwarded-') || FORWARDING_NAMES.has(folded)) {
      // A look-alike spelling (`x_forwarded_for`) is never believed, even from a trusted proxy.
      if (folded !== name) return 'drop';
      return name === 'x-forwarded-for' ? 'forwarded-for' : 'forwarding';
    }
    if (name === 'cookie' && this.#options.strippedCookies.size > 0) return 'cookie';
    return 'keep';
  }
}

function withoutNamed(headers: readonly string[], named: ReadonlySet<string>): string[] {
  const kept: string[] = [];
  for (let i = 0; i < headers.length; i += 2) {
    if (!named.has(headers[i]!)) kept.push(headers[i]!, headers[i + 1]!);
  }
  return kept;
}

/** The identity headers for the upstream (or for a forward-auth answer), as a flat list. */
export function identityHeaders(
  identity: Identity,
  names: IdentityHeaderNames,
  withToken: boolean,
): string[] {
  const out: string[] = [names.user, headerSafe(identity.user)];
  if (identity.email !== undefined) out.push(names.email, headerSafe(identity.email));
  if (identity.groups.length > 0) out.push(names.groups, headerSafe(identity.groups.join(',')));
  if (withToken && identity.accessToken !== undefined) out.push(names.accessToken, identity.accessToken);
  return out;
}

// A claim value becomes a header value: no CR, LF or other controls can split or inject a header.
function headerSafe(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, '?');
}
