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
  readonly peer: string;
  readonly peerTrusted: boolean;
  readonly proto: 'http' | 'https';
  readonly identity: Identity | undefined;
  readonly names: IdentityHeaderNames;
  readonly forwardAccessToken: boolean;
  /** The gateway's cookies, removed from the Cookie header. */
  readonly ownCookies: readonly string[];
  /** Keep `Connection: upgrade` / `Upgrade` (WebSocket pass-through). */
  readonly upgrade: boolean;
}

/** The request headers for the upstream, as a flat [name, value, …] list (undici's raw form). */
export function upstreamHeaders(req: IncomingMessage, options: UpstreamHeaderOptions): string[] {
  const { names } = options;
  const identityNames = new Set([names.user, names.email, names.groups, names.accessToken]);
  const raw = req.rawHeaders;
  const connectionTokens = new Set<string>();
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === 'connection') {
      for (const token of raw[i + 1]!.split(',')) connectionTokens.add(token.trim().toLowerCase());
    }
  }
  const out: string[] = [];
  let forwardedFor: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    // `X_Auth_Request_User` reaches CGI/WSGI apps as HTTP_X_AUTH_REQUEST_USER too: compare with `_` as `-`.
    const folded = name.replaceAll('_', '-');
    if (name === 'upgrade') {
      if (options.upgrade) out.push(name, value);
      continue;
    }
    if (HOP_BY_HOP.has(name) || connectionTokens.has(name)) continue;
    if (
      identityNames.has(folded) ||
      IDENTITY_NAMES.has(folded) ||
      IDENTITY_PREFIXES.some((p) => folded.startsWith(p))
    ) {
      continue;
    }
    if (folded.startsWith('x-forwarded-') || FORWARDING_NAMES.has(folded)) {
      if (!options.peerTrusted || folded !== name) continue;
      if (name === 'x-forwarded-for') {
        forwardedFor = forwardedFor === undefined ? value : `${forwardedFor}, ${value}`;
        continue;
      }
    }
    if (name === 'cookie' && options.ownCookies.length > 0) {
      const rest = withoutCookies(value, options.ownCookies);
      if (rest !== '') out.push('cookie', rest);
      continue;
    }
    out.push(name, value);
  }
  if (options.upgrade) out.push('connection', 'upgrade');
  out.push('x-forwarded-for', forwardedFor === undefined ? options.peer : `${forwardedFor}, ${options.peer}`);
  if (!options.peerTrusted) {
    out.push('x-forwarded-proto', options.proto);
    const host = req.headers.host;
    if (host !== undefined) out.push('x-forwarded-host', host);
  }
  const identity = options.identity;
  if (identity !== undefined) {
    out.push(...identityHeaders(identity, names, options.forwardAccessToken));
  }
  return out;
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
