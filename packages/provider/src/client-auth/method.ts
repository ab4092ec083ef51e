import type { TokenEndpointAuthMethod } from '../store/types.js';

/**
 * A client authentication method (RFC 6749 §2.3, OIDC Core §9). One file per method, one line in
 * ./index.ts. The authenticate step joins here with the token endpoint; until then `implemented`
 * is false and discovery does not advertise the method.
 */
export interface ClientAuthMethod {
  readonly method: TokenEndpointAuthMethod;
  /** The provider generates and hashes a client secret for clients using it. */
  readonly usesSecret: boolean;
  /** Public clients use `none` and only `none` (RFC 6749 §2.1). */
  readonly forPublicClients: boolean;
  /** The client must register keys (jwks or jwks_uri). */
  readonly requiresClientKeys: boolean;
  readonly implemented: boolean;
}
