/**
 * Client registration checks, one named function each (DESIGN rule 3). Each throws an AdminError
 * naming the field. Rules from RFC 6749 §3.1.2, RFC 8252 §7, RFC 9700 §4.1.3, OIDC Registration §2.
 */
import { ASYMMETRIC_ALGORITHMS, importJwk, type JwkSet } from '@latchkey/oidc';
import { invalidInput } from '../admin/errors.js';
import type { ClientAuthMethod } from '../client-auth/index.js';
import { isLoopbackHost } from '../config/parsers.js';
import type { GrantDefinition } from '../grants/index.js';

const MAX_URI_LENGTH = 2000;

/** Client ids the operator picks: unreserved URI characters, so they survive every encoding unchanged. */
export function checkClientId(clientId: string): void {
  if (typeof clientId !== 'string' || !/^[A-Za-z0-9._~-]{1,255}$/.test(clientId)) {
    throw invalidInput('clientId', 'must be 1 to 255 characters from A-Z a-z 0-9 . _ ~ -');
  }
}

export function checkName(name: unknown): void {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200 || /\p{Cc}/u.test(name)) {
    throw invalidInput('name', 'must be 1 to 200 printable characters');
  }
}

function parseAbsoluteUri(uri: unknown, field: string): URL {
  if (typeof uri !== 'string' || uri.length > MAX_URI_LENGTH) {
    throw invalidInput(field, `must be a URI of at most ${MAX_URI_LENGTH} characters`);
  }
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw invalidInput(field, `${JSON.stringify(uri)} is not an absolute URI`);
  }
  // RFC 6749 §3.1.2: the endpoint URI MUST NOT include a fragment component.
  if (uri.includes('#')) throw invalidInput(field, `${JSON.stringify(uri)} must not have a fragment`);
  if (url.username !== '' || url.password !== '') throw invalidInput(field, 'must not contain credentials');
  return url;
}

/**
 * A redirect URI: absolute, no fragment, compared later by exact string (RFC 9700 §4.1.3). https for
 * everyone; http only to a loopback host (RFC 8252 §7.3); a private-use scheme only for public (native)
 * clients, in reverse-domain form (RFC 8252 §7.1), which also keeps out javascript:, data: and file:.
 */
export function checkRedirectUri(uri: unknown, field: string, clientType: 'public' | 'confidential'): void {
  const url = parseAbsoluteUri(uri, field);
  if (url.protocol === 'https:') return;
  if (url.protocol === 'http:') {
    if (isLoopbackHost(url.hostname)) return;
    throw invalidInput(field, 'must use https (http is allowed only for a loopback host)');
  }
  const scheme = url.protocol.slice(0, -1);
  if (clientType === 'public' && scheme.includes('.')) return;
  throw invalidInput(
    field,
    clientType === 'public'
      ? `scheme "${scheme}" is not allowed: use https, http to a loopback host, or a reverse-domain scheme like com.example.app`
      : `scheme "${scheme}" is not allowed: use https (or http to a loopback host)`,
  );
}

/** An https URI the provider will call (jwks_uri, back-channel logout): http only on loopback. */
export function checkServerUri(uri: unknown, field: string): void {
  const url = parseAbsoluteUri(uri, field);
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname))) return;
  throw invalidInput(field, 'must use https');
}

/** RFC 8707 §2: a resource indicator is an absolute URI without a fragment. */
export function checkResourceIndicator(uri: unknown, field: string): void {
  parseAbsoluteUri(uri, field);
}

export function checkGrantTypes(
  grantTypes: readonly string[],
  registry: readonly GrantDefinition[],
  clientType: 'public' | 'confidential',
): GrantDefinition[] {
  checkUniqueList(grantTypes, 'grantTypes');
  return grantTypes.map((type, i) => {
    const grant = registry.find((g) => g.type === type);
    if (!grant) {
      throw invalidInput(
        `grantTypes[${i}]`,
        `unknown grant type ${JSON.stringify(type)}; known: ${registry.map((g) => g.type).join(', ')}`,
      );
    }
    if (clientType === 'public' && !grant.allowsPublicClients) {
      throw invalidInput(`grantTypes[${i}]`, `${type} requires a confidential client`);
    }
    return grant;
  });
}

/** Public ⇔ `none` (RFC 6749 §2.1, OIDC Core §9). */
export function checkAuthMethod(
  method: string,
  registry: readonly ClientAuthMethod[],
  clientType: 'public' | 'confidential',
): ClientAuthMethod {
  const entry = registry.find((m) => m.method === method);
  if (!entry) {
    throw invalidInput(
      'tokenEndpointAuthMethod',
      `unknown method ${JSON.stringify(method)}; known: ${registry.map((m) => m.method).join(', ')}`,
    );
  }
  if (entry.forPublicClients !== (clientType === 'public')) {
    throw invalidInput(
      'tokenEndpointAuthMethod',
      clientType === 'public' ? 'a public client must use "none"' : '"none" is only for public clients',
    );
  }
  return entry;
}

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). */
export function checkScopes(scopes: readonly string[]): void {
  checkUniqueList(scopes, 'scopes');
  scopes.forEach((scope, i) => {
    if (typeof scope !== 'string' || !/^[\x21\x23-\x5B\x5D-\x7E]{1,128}$/.test(scope)) {
      throw invalidInput(`scopes[${i}]`, `${JSON.stringify(scope)} is not a valid scope token`);
    }
  });
}

export function checkIdTokenAlg(alg: string): void {
  if (!(ASYMMETRIC_ALGORITHMS as readonly string[]).includes(alg)) {
    throw invalidInput('idTokenSignedResponseAlg', `must be one of ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
  }
}

/** Registered client keys: a JWKS of public signing keys only (a private member would be a leak). */
export function checkClientJwks(jwks: unknown): asserts jwks is JwkSet {
  if (
    jwks === null ||
    typeof jwks !== 'object' ||
    !Array.isArray((jwks as JwkSet).keys) ||
    (jwks as JwkSet).keys.length === 0
  ) {
    throw invalidInput('jwks', 'must be a JWK Set with at least one key');
  }
  (jwks as JwkSet).keys.forEach((jwk, i) => {
    let type: string;
    try {
      type = importJwk(jwk).type;
    } catch (error) {
      throw invalidInput(`jwks.keys[${i}]`, (error as Error).message);
    }
    if (type !== 'public') throw invalidInput(`jwks.keys[${i}]`, 'must be a public key');
  });
}

export function checkUniqueList(values: readonly unknown[], field: string): void {
  if (!Array.isArray(values)) throw invalidInput(field, 'must be a list');
  const seen = new Set<unknown>();
  values.forEach((value, i) => {
    if (seen.has(value)) throw invalidInput(`${field}[${i}]`, `${JSON.stringify(value)} is listed twice`);
    seen.add(value);
  });
}
