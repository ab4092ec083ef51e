import type { RequestParams } from '../lib/request-params.js';
import type { ClientRecord, TokenEndpointAuthMethod } from '../store/types.js';

/** What a client-authentication method may look at in a token-endpoint request. */
export interface ClientAuthRequest {
  /** The `Authorization` header, if sent. */
  readonly authorization: string | undefined;
  /** The form body. */
  readonly params: RequestParams;
}

/** Credentials as the request presents them, before any check against a registered client. */
export interface PresentedCredentials {
  readonly clientId: string;
  readonly secret?: string;
  /** private_key_jwt: the client assertion (RFC 7523 §2.2), verified by the method's `verify`. */
  readonly assertion?: string;
}

/**
 * A client authentication method (RFC 6749 §2.3, OIDC Core §9). One file per method, one line in
 * ./index.ts. Discovery advertises a method only once it is `implemented`; the token endpoint uses
 * `presentedIn` to find which method a request uses (and to refuse two at once, checklist C2),
 * `read` to take the credentials out of it, and `verify` to check them.
 */
export interface ClientAuthMethod {
  readonly method: TokenEndpointAuthMethod;
  /** The provider generates and hashes a client secret for clients using it. */
  readonly usesSecret: boolean;
  /** Public clients use `none` and only `none` (RFC 6749 §2.1); it proves nothing by itself. */
  readonly forPublicClients: boolean;
  /** The client must register keys (jwks or jwks_uri). */
  readonly requiresClientKeys: boolean;
  readonly implemented: boolean;
  /** Whether the request carries this method's credentials. Cheap; only a repeated parameter throws (A10). */
  presentedIn(request: ClientAuthRequest): boolean;
  /** The presented credentials; `invalid_client` / `invalid_request` when they are malformed. */
  read?(request: ClientAuthRequest): PresentedCredentials;
  /**
   * Whether the credentials prove the client. Called for an unknown client too (`undefined`), doing
   * the same work, so an unknown client id and a wrong secret cannot be told apart by timing (C1).
   */
  verify?(client: ClientRecord | undefined, credentials: PresentedCredentials): boolean | Promise<boolean>;
}
