import { AdminError } from '../admin/errors.js';
import { InvalidClient } from '../errors/index.js';
import type { ClientRecord } from '../store/types.js';
import { checkRedirectUri, checkServerUri } from './checks.js';
import type { ClientPolicy } from './client-policy.js';

/**
 * CIMD draft §3: a client identifier URL uses https, has a path (not just `/`), no fragment, no
 * credentials and no `.`/`..` segments. Anything else is an ordinary client id.
 */
export function isMetadataDocumentUrl(clientId: string): boolean {
  if (!clientId.startsWith('https://') || clientId.length > MAX_CLIENT_ID_URL_LENGTH) return false;
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    return false;
  }
  if (url.hash !== '' || clientId.includes('#') || url.username !== '' || url.password !== '') return false;
  if (url.pathname === '/' || url.pathname === '') return false;
  const rawPath = clientId.slice(url.origin.length).split(/[?]/)[0] ?? '';
  if (rawPath.split('/').some((segment) => segment === '.' || segment === '..')) return false;
  // The URL must already be in its normalised form, so the string compared with the document's
  // client_id is the one the client sent.
  return url.href === clientId;
}

export const MAX_CLIENT_ID_URL_LENGTH = 2000;

/** Methods a metadata-document client may use (CIMD draft §4: no shared secret can be published). */
const AUTH_METHODS = new Set(['none', 'private_key_jwt']);
const GRANT_TYPES = new Set(['authorization_code', 'refresh_token']);

/**
 * Turns a fetched metadata document into the client of this authorization (CIMD draft §4, §8.1):
 * `client_id` equal to the URL (exact string), `redirect_uris` present and each valid (exact match
 * later), `token_endpoint_auth_method` `none` or `private_key_jwt` with a `jwks_uri`, no secret. What
 * the client may be granted comes from the policy that admitted it. Throws InvalidClient naming the
 * problem (shown on the provider's own error page: no redirect URI is trusted yet).
 */
export function clientFromMetadataDocument(
  url: string,
  body: Buffer,
  policy: ClientPolicy,
  now: number,
): ClientRecord {
  let doc: unknown;
  try {
    doc = JSON.parse(body.toString('utf8'));
  } catch {
    throw refuse('is not JSON');
  }
  if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw refuse('is not a JSON object');
  const d = doc as Record<string, unknown>;
  if (d['client_id'] !== url) throw refuse('names another client_id than its URL');
  if ('client_secret' in d || 'client_secret_expires_at' in d)
    throw refuse('must not contain a client secret');

  const method = d['token_endpoint_auth_method'] ?? 'none';
  if (typeof method !== 'string' || !AUTH_METHODS.has(method)) {
    throw refuse('has a token_endpoint_auth_method other than none or private_key_jwt');
  }
  const jwksUri = d['jwks_uri'];
  if (method === 'private_key_jwt') {
    if (typeof jwksUri !== 'string') throw refuse('uses private_key_jwt without a jwks_uri');
    checkField(() => checkServerUri(jwksUri, 'jwks_uri'));
  }
  const type = method === 'none' ? 'public' : 'confidential';

  const redirectUris = d['redirect_uris'];
  if (!Array.isArray(redirectUris) || redirectUris.length === 0 || redirectUris.length > 20) {
    throw refuse('must list 1 to 20 redirect_uris');
  }
  redirectUris.forEach((uri, i) => {
    checkField(() => checkRedirectUri(uri, `redirect_uris[${i}]`, type));
  });

  const grantTypes = d['grant_types'] ?? ['authorization_code'];
  if (!Array.isArray(grantTypes) || !grantTypes.every((g) => typeof g === 'string' && GRANT_TYPES.has(g))) {
    throw refuse('may only use the authorization_code and refresh_token grant types');
  }
  const responseTypes = d['response_types'];
  if (responseTypes !== undefined && !(Array.isArray(responseTypes) && responseTypes.includes('code'))) {
    throw refuse('must allow the code response type');
  }
  const name = d['client_name'];
  const host = new URL(url).host;
  return {
    clientId: url,
    name: typeof name === 'string' && name.trim() !== '' ? name.trim().slice(0, 100) : host,
    type,
    secretHash: null,
    redirectUris: redirectUris as string[],
    postLogoutRedirectUris: [],
    grantTypes: [...new Set(grantTypes as string[])],
    scopes: [...policy.scopes],
    tokenEndpointAuthMethod: method as ClientRecord['tokenEndpointAuthMethod'],
    idTokenSignedResponseAlg: 'RS256',
    jwks: null,
    jwksUri: method === 'private_key_jwt' ? (jwksUri as string) : null,
    allowedResources: [...policy.resources],
    backchannelLogoutUri: null,
    disabled: false,
    previousSecret: null,
    createdAt: now,
    updatedAt: now,
    origin: 'metadata-document',
  };
}

function refuse(problem: string): InstanceType<typeof InvalidClient> {
  return new InvalidClient(`The client metadata document ${problem}`);
}

function checkField(check: () => void): void {
  try {
    check();
  } catch (error) {
    if (error instanceof AdminError) throw refuse(`is invalid: ${error.message}`);
    throw error;
  }
}
