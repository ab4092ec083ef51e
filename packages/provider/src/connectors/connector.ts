import type { UpstreamSubject } from '../store/types.js';

/** How a connector lets people in: a JIT-provisioning choice per connector (issue 17). */
export type JitMode = 'create' | 'link-only' | 'deny';

/** What every connector's configuration has, whatever its type. */
export interface ConnectorSettings {
  /** Unique among connectors; names the callback path `/connectors/<id>/callback` and the identities. */
  readonly id: string;
  readonly type: string;
  /** The button's words: "Sign in with <displayName>". */
  readonly displayName: string;
  /** An https URL (http on loopback) of a small logo shown on the button. */
  readonly logoUrl: string | undefined;
  /** A first sign-in with no linked identity: create a user, refuse (link-only), or refuse everyone new. */
  readonly jit: JitMode;
  /** Latchkey profile claim → upstream claim (attribute) whose value it takes, at provisioning. */
  readonly claims: Readonly<Record<string, string>>;
  /** The upstream claim holding group names, and upstream group → Latchkey group. */
  readonly groups: { readonly claim: string | undefined; readonly map: Readonly<Record<string, string>> };
  /** When non-empty, only people with a verified address at one of these domains get through. */
  readonly allowedEmailDomains: readonly string[];
}

/** Who signed in upstream, as a connector reports it: keyed by subject, never by email (X2). */
export interface UpstreamProfile {
  readonly key: UpstreamSubject;
  /** The address, only when the upstream says it is verified (`email_verified`, a verified-email API). */
  readonly verifiedEmail: string | undefined;
  /** The upstream's claims or attributes, for the claim mapping. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** Upstream group names (before mapping). */
  readonly groups: readonly string[];
  /** RFC 8176 methods the upstream reports; empty when it says nothing (the session then says `fed`). */
  readonly amr: readonly string[];
  readonly acr: string | undefined;
}

/** A connector the browser is sent to and comes back from (OIDC, OAuth 2.0). */
export interface RedirectConnector {
  readonly kind: 'redirect';
  readonly settings: ConnectorSettings;
  /** Where the browser goes; what it returns must be checked against `pending` (kept sealed, browser-bound). */
  start(options: { readonly loginHint?: string | undefined }): Promise<{
    readonly url: string;
    readonly pending: PendingUpstream;
  }>;
  /** Checks the callback (state, `iss`, code exchange, tokens) and reads the person. Throws on any doubt. */
  finish(params: URLSearchParams, pending: PendingUpstream): Promise<UpstreamProfile>;
}

/** A connector that checks a username and password itself (LDAP). */
export interface PasswordConnector {
  readonly kind: 'password';
  readonly settings: ConnectorSettings;
  /** The person, or undefined for wrong credentials; throws ConnectorUnavailableError when it cannot tell. */
  verify(username: string, password: string): Promise<UpstreamProfile | undefined>;
  close(): Promise<void>;
}

export type Connector = RedirectConnector | PasswordConnector;

/** The secrets of one upstream round trip (RFC 9700 §4.7, §2.1.1): never in a URL, only sealed. */
export interface PendingUpstream {
  readonly state: string;
  readonly nonce: string;
  readonly codeVerifier: string;
}

/** The upstream could not be reached or answered nonsense: a clear error page, never a sign-in (X3). */
export class ConnectorUnavailableError extends Error {
  override readonly name = 'ConnectorUnavailableError';
  readonly code = 'ERR_CONNECTOR_UNAVAILABLE';
}

/** The upstream's answer failed a check (state, issuer, audience, nonce, signature…). */
export class UpstreamRejectedError extends Error {
  override readonly name = 'UpstreamRejectedError';
  readonly code = 'ERR_UPSTREAM_REJECTED';
}
