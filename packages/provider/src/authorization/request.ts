/**
 * A validated authorization request (OIDC Core §3.1.2.1, RFC 6749 §4.1.1): what the checks of the
 * authorization endpoint produce and what travels, sealed, through the login and consent pages.
 */
export type ResponseMode = 'query' | 'fragment' | 'form_post';
export type Prompt = 'none' | 'login' | 'consent' | 'select_account';
export type Display = 'page' | 'popup' | 'touch' | 'wap';

/** Where and how the answer goes back to the client: fixed once the redirect URI is validated. */
export interface ResponseTarget {
  readonly redirectUri: string;
  readonly responseMode: ResponseMode;
  readonly state: string | undefined;
}

export interface AuthorizationRequest extends ResponseTarget {
  readonly clientId: string;
  /** The granted scopes: requested ∩ allowed for the client, in request order, `openid` first. */
  readonly scopes: readonly string[];
  /**
   * The RFC 8707 resources asked for, each one the client may address. Absent from interactions
   * sealed before Latchkey accepted `resource` here: none were asked for then.
   */
  readonly resources?: readonly string[];
  readonly nonce: string | undefined;
  /** RFC 7636, S256 only. */
  readonly codeChallenge: string;
  /** RFC 9449 §10 `dpop_jkt`: the code is bound to this key thumbprint. Absent: unbound. */
  readonly dpopJkt?: string;
  readonly prompt: readonly Prompt[];
  /** Seconds (OIDC Core §3.1.2.1). */
  readonly maxAge: number | undefined;
  /** The `sub` of a verified id_token_hint. */
  readonly idTokenHintSub: string | undefined;
  readonly loginHint: string | undefined;
  /** `idp_hint`: the connector to go to at once instead of the sign-in page (docs/federation.md). */
  readonly idpHint?: string;
  readonly acrValues: readonly string[];
  readonly display: Display;
  readonly uiLocales: readonly string[];
  readonly claimsLocales: readonly string[];
  /** The `claims` parameter (OIDC Core §5.5), normalised JSON, or undefined. */
  readonly claims: string | undefined;
}
