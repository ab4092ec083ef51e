import type { JwsAlgorithm } from '@latchkey/oidc';
import type { FastifyInstance } from 'fastify';
import type { ClientAuthMethod } from '../../client-auth/index.js';
import type { GrantDefinition } from '../../grants/index.js';
import { serializeDocument } from '../../keys/published-key-set.js';
import { serveDocument } from '../../lib/conditional-get.js';
import { ENDPOINT_PATHS, issuerBasePath } from '../paths.js';
import { buildDiscoveryDocument, type DiscoveryInputs } from './document.js';

export interface DiscoveryDeps {
  readonly issuer: string;
  readonly signingAlgorithms: readonly JwsAlgorithm[];
  readonly grants: readonly GrantDefinition[];
  readonly authMethods: readonly ClientAuthMethod[];
  /** Cache lifetime of the metadata, seconds. */
  readonly maxAge: number;
  /** Absolute URLs of the endpoints the app serves besides the JWKS. */
  readonly endpoints?: Omit<DiscoveryInputs['endpoints'], 'jwks'>;
  readonly clientIdMetadataDocumentSupported?: boolean;
  readonly dpopSigningAlgorithms?: readonly JwsAlgorithm[];
  readonly requirePushedRequests?: boolean;
}

/**
 * GET /.well-known/openid-configuration (OpenID Discovery 1.0 §4) and
 * GET /.well-known/oauth-authorization-server (RFC 8414 §3). The metadata only changes with the
 * configuration, so it is serialized once, when the app is built.
 */
export function registerDiscovery(app: FastifyInstance, deps: DiscoveryDeps): void {
  const base = issuerBasePath(deps.issuer);
  const document = serializeDocument(
    buildDiscoveryDocument({
      issuer: deps.issuer,
      signingAlgorithms: deps.signingAlgorithms,
      grants: deps.grants,
      authMethods: deps.authMethods,
      endpoints: { ...deps.endpoints, jwks: deps.issuer + ENDPOINT_PATHS.jwks },
      clientIdMetadataDocumentSupported: deps.clientIdMetadataDocumentSupported ?? false,
      ...(deps.dpopSigningAlgorithms === undefined
        ? {}
        : { dpopSigningAlgorithms: deps.dpopSigningAlgorithms }),
      ...(deps.requirePushedRequests === undefined
        ? {}
        : { requirePushedRequests: deps.requirePushedRequests }),
    }),
  );
  const headers = {
    contentType: 'application/json; charset=utf-8',
    cacheControl: `public, max-age=${deps.maxAge}`,
  };
  const current = () => document;
  // OIDC Discovery §4: the path is appended to the issuer.
  serveDocument(app, base + ENDPOINT_PATHS.openidConfiguration, current, headers);
  // RFC 8414 §3: the well-known segment goes between the host and the issuer's path.
  serveDocument(app, ENDPOINT_PATHS.oauthAuthorizationServer + base, current, headers);
}
