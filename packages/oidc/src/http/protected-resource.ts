/**
 * A protected resource in one object (RFC 9728, the MCP authorization specification): its metadata
 * document, where that document lives, and the Bearer options of each route — so a 401 points the
 * client at the metadata (`resource_metadata`, RFC 9728 §5.1), a 403 names the scopes needed
 * (`insufficient_scope` + `scope`, RFC 6750 §3.1, the MCP step-up), and only tokens issued for this
 * very resource pass (RFC 8707 §2, checklist M4).
 */
import { JoseError } from '../jose/errors.js';
import type { JwtClaims } from '../jwt/claims.js';
import { type CreateVerifierOptions, createVerifier } from '../verifier.js';
import type { BearerAuthOptions, TokenVerifier } from './options.js';
import { validScopes } from './scopes.js';

/** RFC 9728 §3: the well-known path prefix of protected resource metadata. */
export const PROTECTED_RESOURCE_WELL_KNOWN = '/.well-known/oauth-protected-resource';

export interface ProtectedResourceOptions {
  /**
   * This resource's identifier (RFC 9728 §2 `resource`, RFC 8707): an https URL (http on loopback
   * for development), no query or fragment. Tokens must carry exactly it in `aud`.
   */
  readonly resource: string;
  /** Issuer identifiers of the authorization servers that issue tokens for it (at least one). */
  readonly authorizationServers: readonly string[];
  /** Scopes advertised in the metadata (RFC 9728 §2 `scopes_supported`). */
  readonly scopesSupported?: readonly string[];
  /** A human-readable name (RFC 9728 §2 `resource_name`). */
  readonly resourceName?: string;
  /**
   * Verifies access tokens. Default: `createVerifier` for the first authorization server, audience
   * `resource`, `typ: at+jwt`, with `verifierOptions`. Whatever verifier is used, a token whose
   * `aud` does not name `resource` is refused.
   */
  readonly verifier?: TokenVerifier<JwtClaims>;
  readonly verifierOptions?: Omit<CreateVerifierOptions, 'issuer' | 'audience'>;
  /** The `realm` of challenges; default none. */
  readonly realm?: string;
  /** Told about every 500 and 503 (see BearerAuthOptions.onError). */
  readonly onError?: (error: unknown) => void;
}

export interface MetadataResponse {
  readonly status: 200;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface ProtectedResource {
  readonly resource: string;
  /** The RFC 9728 §2 document. */
  readonly metadata: Readonly<Record<string, unknown>>;
  /** Its path on this resource's host (RFC 9728 §3.1): the well-known prefix, then the resource path. */
  readonly metadataPath: string;
  /** Its absolute URL, as sent in `resource_metadata`. */
  readonly metadataUrl: string;
  /**
   * The Bearer options of a route that needs every one of `scopes`: pass them to `bearerAuth`,
   * `expressBearerAuth`, `fastifyBearerAuth` or `honoBearerAuth`.
   */
  bearer(scopes?: readonly string[]): BearerAuthOptions<JwtClaims>;
  /** The answer to a request for the metadata; undefined when `method`/`path` is not one. */
  metadataResponse(method: string, path: string): MetadataResponse | undefined;
}

/** Options are checked now, with a TypeError naming the option. */
export function createProtectedResource(options: ProtectedResourceOptions): ProtectedResource {
  if (typeof options !== 'object' || options === null) throw new TypeError('options must be an object');
  const resource = checkResource(options.resource);
  const servers = options.authorizationServers;
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string')) {
    throw new TypeError('options.authorizationServers must list at least one issuer identifier');
  }
  const scopesSupported =
    options.scopesSupported === undefined
      ? []
      : validScopes(options.scopesSupported, 'options.scopesSupported');
  const url = new URL(resource);
  const metadataPath = PROTECTED_RESOURCE_WELL_KNOWN + (url.pathname === '/' ? '' : url.pathname);
  const metadataUrl = url.origin + metadataPath;
  const metadata = Object.freeze({
    resource,
    authorization_servers: [...servers],
    // RFC 9728 §2: tokens only in the Authorization header (RFC 6750 §2.1), as the middleware reads them.
    bearer_methods_supported: ['header'],
    ...(scopesSupported.length === 0 ? {} : { scopes_supported: [...scopesSupported] }),
    ...(options.resourceName === undefined ? {} : { resource_name: String(options.resourceName) }),
  });
  const body = JSON.stringify(metadata);
  const verifier = audienceBound(
    options.verifier ??
      createVerifier({ typ: 'at+jwt', ...options.verifierOptions, issuer: servers[0]!, audience: resource }),
    resource,
  );
  return {
    resource,
    metadata,
    metadataPath,
    metadataUrl,
    bearer(scopes = []) {
      return {
        verifier,
        resourceMetadata: metadataUrl,
        ...(scopes.length === 0 ? {} : { scopes: validScopes(scopes, 'scopes') }),
        ...(options.realm === undefined ? {} : { realm: options.realm }),
        ...(options.onError === undefined ? {} : { onError: options.onError }),
      };
    },
    metadataResponse(method, path) {
      if ((method !== 'GET' && method !== 'HEAD') || path !== metadataPath) return undefined;
      return {
        status: 200,
        headers: {
          'content-type': 'application/json',
          'cache-control': 'public, max-age=300',
          // Public metadata: browser-based clients (MCP inspectors) read it cross-origin.
          'access-control-allow-origin': '*',
        },
        body,
      };
    },
  };
}

function checkResource(resource: unknown): string {
  let url: URL | undefined;
  try {
    url = typeof resource === 'string' ? new URL(resource) : undefined;
  } catch {
    url = undefined;
  }
  const loopback = url !== undefined && ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (
    url === undefined ||
    !(url.protocol === 'https:' || (url.protocol === 'http:' && loopback)) ||
    url.search !== '' ||
    url.hash !== '' ||
    String(resource).includes('#') ||
    String(resource).includes('?')
  ) {
    throw new TypeError(
      'options.resource must be an https URL (http only on loopback) without query or fragment (RFC 9728 §2)',
    );
  }
  return resource as string;
}

/**
 * M4 / RFC 8707 §2: whatever verifier the service brings, a token not issued for this resource is an
 * invalid token here, never "valid for somewhere else, so fine".
 */
function audienceBound(verifier: TokenVerifier<JwtClaims>, resource: string): TokenVerifier<JwtClaims> {
  if (typeof verifier !== 'object' || verifier === null || typeof verifier.verify !== 'function') {
    throw new TypeError('options.verifier must be an object with a verify(token) method');
  }
  return {
    async verify(token) {
      const claims = await verifier.verify(token);
      const aud = claims.aud;
      const named = typeof aud === 'string' ? aud === resource : Array.isArray(aud) && aud.includes(resource);
      if (!named) {
        throw new JoseError('ERR_JWT_CLAIM_INVALID', 'the token was not issued for this resource', {
          claim: 'aud',
          reason: 'mismatch',
        });
      }
      return claims;
    },
  };
}
