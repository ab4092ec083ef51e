/**
 * A grant type (RFC 6749 §1.3) as the rest of the provider sees it. One file per grant, one line in
 * ./index.ts (DESIGN rule 2). `implemented` turns true in the change that adds the grant's handler:
 * discovery advertises only implemented grants, while clients may be registered for any known one
 * (registrations outlive releases, so a client can be provisioned before its flow is switched on).
 */
export interface GrantDefinition {
  /** The `grant_type` value. */
  readonly type: string;
  /** The `response_type` values this grant brings to the authorization endpoint (OAuth 2.0 Multiple Response Types). */
  readonly responseTypes: readonly string[];
  /** Whether a client using it must register redirect URIs. */
  readonly requiresRedirectUri: boolean;
  /** Whether a public client may use it (client_credentials needs a confidential client, RFC 6749 §4.4). */
  readonly allowsPublicClients: boolean;
  readonly implemented: boolean;
}
