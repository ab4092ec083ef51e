import type { Clock } from '../lib/clock.js';
import type { RequestParams } from '../lib/request-params.js';
import type { ClientRecord, ProviderStores } from '../store/types.js';
import type { TokenIssuer } from '../tokens/index.js';
import type { RefreshTokens } from '../tokens/refresh-token.js';
import type { MachineIdentityServices } from './machine-identity.js';

/** The successful token response, RFC 6749 §5.1 (and OIDC Core §3.1.3.3 for `id_token`). */
export interface TokenResponseBody {
  readonly access_token: string;
  /** `DPoP` when the token endpoint bound the access token to a proof's key (RFC 9449 §5). */
  readonly token_type: 'Bearer' | 'DPoP';
  readonly expires_in: number;
  readonly id_token?: string;
  readonly refresh_token?: string;
  readonly scope: string;
  /** RFC 8693 §2.2.1: what a token exchange issued. */
  readonly issued_token_type?: string;
}

/** One token request, after the client has been authenticated and allowed this grant. */
export interface GrantRequest {
  readonly client: ClientRecord;
  readonly params: RequestParams;
  /** The thumbprint of the request's valid DPoP proof key (RFC 9449 §5), if it had one. */
  readonly dpopJkt?: string | undefined;
}

/** What grant handlers may use; each reads only the part it needs. */
export interface GrantServices {
  readonly stores: Pick<
    ProviderStores,
    'authorizationCodes' | 'grants' | 'users' | 'audit' | 'sessions' | 'deviceCodes' | 'groups'
  >;
  readonly tokens: TokenIssuer;
  /** Refresh-token families (issue, look up, rotate): the store behind them and their lifetimes. */
  readonly refreshTokens: RefreshTokens;
  readonly now: Clock;
  /** Token exchange and workload identity (grants/machine-identity.ts); absent, those grants refuse. */
  readonly machine?: MachineIdentityServices;
}

/**
 * A grant type (RFC 6749 §1.3) as the rest of the provider sees it. One file per grant, one line in
 * ./index.ts (DESIGN rule 2): the token endpoint dispatches on `type` and calls `handle`, so adding a
 * grant never touches the router. `implemented` turns true in the change that adds the handler:
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
  /**
   * Whether a client using it must register at least one RFC 8707 resource: its tokens have no user,
   * so they are only ever for the APIs named there (client_credentials; see tokens/audience.ts).
   */
  readonly requiresResource?: boolean;
  /** Whether a public client may use it (client_credentials needs a confidential client, RFC 6749 §4.4). */
  readonly allowsPublicClients: boolean;
  readonly implemented: boolean;
  /** Answers a token request of this grant type; throws an OAuthError (RFC 6749 §5.2) to refuse it. */
  handle?(request: GrantRequest, services: GrantServices): Promise<TokenResponseBody>;
}
