import type { JwsAlgorithm } from '@latchkey/oidc';
import type { ClientAuthMethod } from '../../client-auth/index.js';
import { CLIENT_ASSERTION_ALGORITHMS } from '../../client-auth/private-key-jwt.js';
import type { GrantDefinition } from '../../grants/index.js';
import { ACR_VALUES_SUPPORTED } from '../../login/factors/acr.js';
import { SCOPES, type ScopeDefinition } from '../../scopes/index.js';
import { DISPLAY_VALUES } from '../authorize/check-display.js';
import { PROMPT_VALUES } from '../authorize/check-prompt.js';
import { RESPONSE_MODES } from '../authorize/check-response-mode.js';

export interface DiscoveryInputs {
  readonly issuer: string;
  /** The configured signing algorithms (config keys.algorithms, each from @latchkey/oidc's table). */
  readonly signingAlgorithms: readonly JwsAlgorithm[];
  readonly grants: readonly GrantDefinition[];
  readonly authMethods: readonly ClientAuthMethod[];
  /** Absolute URLs of the endpoints this build serves. */
  readonly endpoints: {
    readonly jwks: string;
    readonly authorization?: string;
    readonly token?: string;
    readonly userinfo?: string;
    readonly introspection?: string;
    readonly revocation?: string;
    readonly deviceAuthorization?: string;
    readonly pushedAuthorization?: string;
    readonly endSession?: string;
    readonly registration?: string;
  };
  /** Default: the scope registry. */
  readonly scopes?: readonly ScopeDefinition[];
  /** A client_id may be the URL of its metadata document (CIMD draft §6): some trust policy exists. */
  readonly clientIdMetadataDocumentSupported?: boolean;
  /** DPoP proof algorithms the token endpoint accepts (RFC 9449 §5.1); absent without DPoP. */
  readonly dpopSigningAlgorithms?: readonly JwsAlgorithm[];
  /** RFC 9126 §5: every authorization request must be pushed. */
  readonly requirePushedRequests?: boolean;
}

/** The protocol claims an ID token may carry (OIDC Core §2), besides the end-user claims of the scopes. */
const ID_TOKEN_CLAIMS = [
  'iss',
  'aud',
  'exp',
  'iat',
  'auth_time',
  'nonce',
  'acr',
  'amr',
  'azp',
  'at_hash',
  'sid',
];

/**
 * The provider metadata, OpenID Discovery 1.0 §3 and RFC 8414 §2, derived from configuration and the
 * registries — never a hand-kept list. Only what is implemented is advertised: a grant counts once its
 * handler exists, and the token-endpoint fields appear with the token endpoint.
 */
export function buildDiscoveryDocument(inputs: DiscoveryInputs): Record<string, unknown> {
  const grants = inputs.grants.filter((g) => g.implemented);
  const authMethods = inputs.authMethods.filter((m) => m.implemented);
  const document: Record<string, unknown> = {
    issuer: inputs.issuer,
    ...(inputs.endpoints.authorization ? { authorization_endpoint: inputs.endpoints.authorization } : {}),
    ...(inputs.endpoints.token ? { token_endpoint: inputs.endpoints.token } : {}),
    ...(inputs.endpoints.userinfo ? { userinfo_endpoint: inputs.endpoints.userinfo } : {}),
    jwks_uri: inputs.endpoints.jwks,
    // REQUIRED by both specs, so present even while empty (no authorization endpoint yet).
    response_types_supported: unique(grants.flatMap((g) => g.responseTypes)),
    grant_types_supported: grants.map((g) => g.type),
    // OIDC Discovery §3: REQUIRED. Pairwise identifiers are not implemented.
    subject_types_supported: ['public'],
    // OIDC Discovery §3: REQUIRED, and RS256 MUST be included (the config loader enforces it).
    id_token_signing_alg_values_supported: [...inputs.signingAlgorithms],
  };
  // OIDC Discovery §3 (RECOMMENDED): both derived from the scope registry.
  const scopes = inputs.scopes ?? SCOPES;
  document['scopes_supported'] = scopes.map((s) => s.name);
  document['claims_supported'] = unique([...scopes.flatMap((s) => s.claims), ...ID_TOKEN_CLAIMS]);
  if (inputs.endpoints.token) {
    // OIDC Core §5.5: the `claims` request parameter (read at the token endpoint and UserInfo).
    document['claims_parameter_supported'] = true;
    document['token_endpoint_auth_methods_supported'] = authMethods.map((m) => m.method);
    if (authMethods.some((m) => m.requiresClientKeys)) {
      // OIDC Discovery §3: the algorithms a private_key_jwt assertion may be signed with (RFC 7523).
      document['token_endpoint_auth_signing_alg_values_supported'] = [...CLIENT_ASSERTION_ALGORITHMS];
    }
    if (inputs.endpoints.pushedAuthorization) {
      // RFC 9126 §5: where to push, and whether pushing is the only way in.
      document['pushed_authorization_request_endpoint'] = inputs.endpoints.pushedAuthorization;
      document['require_pushed_authorization_requests'] = inputs.requirePushedRequests === true;
    }
    if (inputs.dpopSigningAlgorithms !== undefined) {
      document['dpop_signing_alg_values_supported'] = [...inputs.dpopSigningAlgorithms];
    }
  }
  // RFC 8414 §2: introspection needs a confidential client (RFC 7662 §2.1); revocation takes every
  // method of the token endpoint, `none` included (RFC 7009 §2.1: public clients name themselves).
  if (inputs.endpoints.introspection) {
    document['introspection_endpoint'] = inputs.endpoints.introspection;
    document['introspection_endpoint_auth_methods_supported'] = authMethods
      .filter((m) => !m.forPublicClients)
      .map((m) => m.method);
  }
  if (inputs.endpoints.revocation) {
    document['revocation_endpoint'] = inputs.endpoints.revocation;
    document['revocation_endpoint_auth_methods_supported'] = authMethods.map((m) => m.method);
  }
  // RFC 8628 §4: where a device starts the device authorization grant.
  if (inputs.endpoints.deviceAuthorization) {
    document['device_authorization_endpoint'] = inputs.endpoints.deviceAuthorization;
  }
  // RP-Initiated Logout 1.0 §2.1 and Back-Channel Logout 1.0 §2.1: every logout token carries `sid`.
  if (inputs.endpoints.endSession) {
    document['end_session_endpoint'] = inputs.endpoints.endSession;
    document['backchannel_logout_supported'] = true;
    document['backchannel_logout_session_supported'] = true;
  }
  // RFC 8414 §2 / RFC 7591 §3: where clients register themselves.
  if (inputs.endpoints.registration) document['registration_endpoint'] = inputs.endpoints.registration;
  if (inputs.endpoints.authorization) {
    // RFC 9207 §3: the authorization response carries `iss`.
    document['authorization_response_iss_parameter_supported'] = true;
    document['code_challenge_methods_supported'] = ['S256'];
    // The lists the authorization endpoint's checks accept (one source each).
    document['response_modes_supported'] = [...RESPONSE_MODES];
    document['prompt_values_supported'] = [...PROMPT_VALUES];
    document['display_values_supported'] = [...DISPLAY_VALUES];
    // OIDC Core §5.5: the `claims` parameter is validated at the authorization endpoint and kept in the code.
    document['claims_parameter_supported'] = true;
    // OIDC Core §6: request objects are refused with request_not_supported / request_uri_not_supported.
    document['request_parameter_supported'] = false;
    document['request_uri_parameter_supported'] = false;
    // OIDC Discovery §3: the classes a sign-in can reach (login/factors/acr.ts), weakest first.
    document['acr_values_supported'] = [...ACR_VALUES_SUPPORTED];
    // OIDC Discovery §3: the pages are in English only for now.
    document['ui_locales_supported'] = ['en'];
    // CIMD draft §6: clients may use the URL of their metadata document as client_id.
    if (inputs.clientIdMetadataDocumentSupported) document['client_id_metadata_document_supported'] = true;
  }
  return document;
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
