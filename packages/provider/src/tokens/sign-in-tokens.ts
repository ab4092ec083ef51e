import type { JoseKey, JwsAlgorithm } from '@latchkey/oidc';
import { type ClaimSubject, type ClaimsRequest, requestedClaimNames, userClaims } from '../claims/index.js';
import type { Clock } from '../lib/clock.js';
import { secureRandomBytes } from '../lib/random.js';
import { claimsForScopes, GROUPS_CLAIM } from '../scopes/index.js';
import type { ClientRecord } from '../store/types.js';
import { accessTokenClaims, signAccessToken } from './access-token.js';
import { accessTokenAudience } from './audience.js';
import { idTokenClaims, signIdToken } from './id-token.js';

/** The token settings read from configuration (the `tokens.*` keys). Lifetimes in seconds. */
export interface TokenSettings {
  readonly issuer: string;
  readonly accessTokenLifetime: number;
  readonly idTokenLifetime: number;
  /** RFC 9068 access tokens are signed with this algorithm's current key. */
  readonly accessTokenAlg: JwsAlgorithm;
}

export interface TokenIssuerDeps {
  readonly settings: TokenSettings;
  /** The current signing key, from memory (KeyManager.signingKey): no key import per request. */
  readonly signingKey: (alg: JwsAlgorithm) => JoseKey;
  readonly now: Clock;
  readonly random?: (n: number) => Buffer;
}

/** What the user authorized, as recorded with the code (or, later, a refresh token). */
export interface SignInTokenInput {
  readonly client: Pick<ClientRecord, 'clientId' | 'scopes' | 'idTokenSignedResponseAlg'>;
  /** With `groups` looked up when the `groups` claim is released (claims/groups.ts). */
  readonly user: ClaimSubject;
  readonly grantId: string;
  readonly scopes: readonly string[];
  readonly resources: readonly string[];
  readonly nonce: string | null;
  readonly authTime: number;
  readonly acr: string | null;
  readonly amr: readonly string[];
  readonly sid: string | null;
  readonly claimsRequest: ClaimsRequest;
  /** RFC 9449 §6.1: bind the access token to this DPoP key thumbprint. */
  readonly dpopJkt?: string | undefined;
}

export interface IssuedTokens {
  readonly accessToken: string;
  /** Present when `openid` was granted (OIDC Core §3.1.3.3). */
  readonly idToken: string | undefined;
  /** Seconds until the access token expires (RFC 6749 §5.1 `expires_in`). */
  readonly expiresIn: number;
  readonly scope: string;
}

/** A client's own access token (client_credentials, RFC 6749 §4.4): no user, `sub` = client id. */
export interface ClientTokenInput {
  readonly clientId: string;
  readonly scopes: readonly string[];
  /** RFC 8707 resources, already checked against the client's allowed resources. */
  readonly audience: readonly string[];
  /** RFC 9449 §6.1: bind the access token to this DPoP key thumbprint. */
  readonly dpopJkt?: string | undefined;
}

/**
 * An access token a machine gets for a subject by token exchange (RFC 8693: the subject's `sub` and
 * the acting client's `client_id`, `act` for delegation) or for itself by a workload assertion
 * (RFC 7523 §2.1: `sub` = the client). It never outlives `expiresAtMost` (the subject token's `exp`).
 */
export interface MachineTokenInput {
  readonly subject: string;
  readonly clientId: string;
  readonly scopes: readonly string[];
  readonly audience: readonly string[];
  readonly act?: Readonly<Record<string, unknown>> | undefined;
  readonly expiresAtMost?: number | undefined;
  /** The subject's grant, so revoking it (logout) is seen at UserInfo; null for a client's own token. */
  readonly grantId: string | null;
  readonly dpopJkt?: string | undefined;
}

export interface TokenIssuer {
  issueSignInTokens(input: SignInTokenInput): IssuedTokens;
  issueClientToken(input: ClientTokenInput): IssuedTokens;
  issueMachineToken(input: MachineTokenInput): IssuedTokens;
}

/** 128 bits: `jti` only needs to be unique (RFC 7519 §4.1.7). */
const JTI_BYTES = 16;

/**
 * Mints the tokens of a sign-in: a JWT access token (RFC 9068) and an ID token (OIDC Core §3.1.3.3)
 * bound to it by `at_hash`. Each token is serialized and signed once; keys come from memory.
 *
 * The ID token carries the claims of the granted scopes (`profile`, `email`, …) as well as UserInfo
 * does. OIDC Core §5.4 only requires them at UserInfo when an access token is issued, but relying
 * parties that read identity from the ID token alone (gateways, SPAs) then need no second call. Claims
 * the client asks for by name in the `claims` parameter's `id_token` member (§5.5) are added, within
 * its registered scopes.
 */
export function createTokenIssuer(deps: TokenIssuerDeps): TokenIssuer {
  const { settings } = deps;
  const random = deps.random ?? secureRandomBytes;
  return {
    issueSignInTokens(input) {
      const issuedAt = deps.now();
      const accessToken = signAccessToken(
        accessTokenClaims({
          issuer: settings.issuer,
          subject: input.user.id,
          audience: accessTokenAudience(settings.issuer, input.resources),
          clientId: input.client.clientId,
          scopes: input.scopes,
          jti: random(JTI_BYTES).toString('base64url'),
          issuedAt,
          lifetime: settings.accessTokenLifetime,
          authTime: input.authTime,
          acr: input.acr,
          amr: input.amr,
          grantId: input.grantId,
          userinfoClaims: requestedClaimNames(input.claimsRequest.userinfo, input.client.scopes),
          // The groups scope puts the groups in the access token too, for APIs and gateways that
          // authorize by group without calling UserInfo.
          groups: input.scopes.includes(GROUPS_CLAIM) ? input.user.groups : undefined,
          dpopJkt: input.dpopJkt,
        }),
        deps.signingKey(settings.accessTokenAlg),
      );
      let idToken: string | undefined;
      if (input.scopes.includes('openid')) {
        const alg = input.client.idTokenSignedResponseAlg;
        idToken = signIdToken(
          idTokenClaims({
            issuer: settings.issuer,
            clientId: input.client.clientId,
            subject: input.user.id,
            issuedAt,
            lifetime: settings.idTokenLifetime,
            authTime: input.authTime,
            nonce: input.nonce,
            acr: input.acr,
            amr: input.amr,
            sid: input.sid,
            accessToken,
            alg,
            userClaims: userClaims(input.user, [
              ...claimsForScopes(input.scopes),
              ...requestedClaimNames(input.claimsRequest.idToken, input.client.scopes),
            ]),
          }),
          deps.signingKey(alg),
        );
      }
      return {
        accessToken,
        idToken,
        expiresIn: settings.accessTokenLifetime,
        scope: input.scopes.join(' '),
      };
    },
    issueMachineToken(input) {
      const issuedAt = deps.now();
      const lifetime = Math.min(
        settings.accessTokenLifetime,
        input.expiresAtMost === undefined ? Number.POSITIVE_INFINITY : input.expiresAtMost - issuedAt,
      );
      const accessToken = signAccessToken(
        accessTokenClaims({
          issuer: settings.issuer,
          subject: input.subject,
          audience: input.audience,
          clientId: input.clientId,
          // A machine token is no person's: no groups claim.
          groups: undefined,
          scopes: input.scopes,
          jti: random(JTI_BYTES).toString('base64url'),
          issuedAt,
          lifetime,
          authTime: null,
          acr: null,
          amr: [],
          grantId: input.grantId,
          userinfoClaims: [],
          dpopJkt: input.dpopJkt,
          act: input.act,
        }),
        deps.signingKey(settings.accessTokenAlg),
      );
      return { accessToken, idToken: undefined, expiresIn: lifetime, scope: input.scopes.join(' ') };
    },
    issueClientToken(input) {
      const accessToken = signAccessToken(
        accessTokenClaims({
          issuer: settings.issuer,
          // RFC 9068 §2.2: with no resource owner, `sub` identifies the client itself.
          subject: input.clientId,
          audience: input.audience,
          clientId: input.clientId,
          scopes: input.scopes,
          jti: random(JTI_BYTES).toString('base64url'),
          issuedAt: deps.now(),
          lifetime: settings.accessTokenLifetime,
          authTime: null,
          acr: null,
          amr: [],
          grantId: null,
          userinfoClaims: [],
          groups: undefined,
          dpopJkt: input.dpopJkt,
        }),
        deps.signingKey(settings.accessTokenAlg),
      );
      return {
        accessToken,
        idToken: undefined,
        expiresIn: settings.accessTokenLifetime,
        scope: input.scopes.join(' '),
      };
    },
  };
}
