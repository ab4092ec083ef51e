import { JoseError } from '../jose/errors.js';
import { type FetchLimitOptions, fetchJson, fetchLimits, fetchOption } from '../lib/fetch-json.js';
import { isSecureOrLoopback } from '../lib/secure-url.js';

/** OpenID Provider Metadata (OIDC Discovery §3, RFC 8414 §2). Only `issuer` and `jwks_uri` are checked. */
export interface ProviderMetadata {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint?: string;
  token_endpoint?: string;
  userinfo_endpoint?: string;
  end_session_endpoint?: string;
  revocation_endpoint?: string;
  introspection_endpoint?: string;
  id_token_signing_alg_values_supported?: string[];
  [member: string]: unknown;
}

export interface FetchDiscoveryOptions extends FetchLimitOptions {
  fetch?: typeof fetch;
}

/**
 * Fetches `issuer`'s discovery document and checks it names `issuer` exactly (OIDC Discovery
 * §4.3, RFC 8414 §3.3, checklist K6): a document for another issuer could hand us its keys.
 *
 * The issuer must be https, or http on a loopback host. `jwks_uri` must be https, or http only
 * when the issuer itself is http on loopback; it may be on another host (many providers serve
 * keys from a CDN domain) but it comes from this verified document only.
 */
export async function fetchDiscovery(
  issuer: string,
  options: FetchDiscoveryOptions = {},
): Promise<ProviderMetadata> {
  const issuerUrl = checkIssuerUrl(issuer);
  const url = discoveryUrl(issuer);

  const { body } = await fetchJson(url, {
    fetch: fetchOption(options.fetch),
    ...fetchLimits(options),
    invalidCode: 'ERR_DISCOVERY_INVALID',
    what: 'the discovery document',
  });

  // OIDC Discovery §4.3, RFC 8414 §3.3: exact string equality, no normalization.
  if (body.issuer !== issuer) {
    throw new JoseError('ERR_DISCOVERY_INVALID', 'the discovery document names another issuer');
  }
  const jwksUri = body.jwks_uri;
  if (typeof jwksUri !== 'string' || !URL.canParse(jwksUri)) {
    throw new JoseError('ERR_DISCOVERY_INVALID', 'the discovery document has no valid jwks_uri');
  }
  const jwksUrl = new URL(jwksUri);
  const allowed =
    jwksUrl.protocol === 'https:' || (issuerUrl.protocol === 'http:' && isSecureOrLoopback(jwksUrl));
  if (!allowed) throw new JoseError('ERR_DISCOVERY_INVALID', 'jwks_uri must be an https URL');
  return body as ProviderMetadata;
}

/** Where `issuer`'s discovery document is: OIDC Discovery §4.1, one trailing `/` stripped, then the well-known path. */
export function discoveryUrl(issuer: string): URL {
  const base = issuer.endsWith('/') ? issuer.slice(0, -1) : issuer;
  return new URL(`${base}/.well-known/openid-configuration`);
}

/** Checks an issuer identifier (TypeError): an https URL, or http on loopback, with no query or fragment. */
export function checkIssuerUrl(issuer: string): URL {
  if (typeof issuer !== 'string' || !URL.canParse(issuer))
    throw new TypeError('issuer must be an absolute URL');
  const issuerUrl = new URL(issuer);
  if (!isSecureOrLoopback(issuerUrl))
    throw new TypeError('issuer must be an https URL (http only on loopback)');
  // OIDC Discovery §3 / RFC 8414 §2: the issuer identifier has no query or fragment.
  if (issuerUrl.search !== '' || issuerUrl.hash !== '')
    throw new TypeError('issuer must not have a query or fragment');
  return issuerUrl;
}
