import { createOidcClient, isJoseError, isOidcClientError, type OidcClient } from '@latchkey/oidc';
import { stringList } from './claims.js';
import {
  type ConnectorSettings,
  ConnectorUnavailableError,
  type RedirectConnector,
  type UpstreamProfile,
  UpstreamRejectedError,
} from './connector.js';
import type { ConnectorType } from './connector-type.js';
import { codeFact, secretFact } from './facts.js';
import { fetchUpstreamJson } from './upstream-json.js';

export interface OidcConnectorConfig extends ConnectorSettings {
  readonly type: 'oidc';
  /** The upstream's issuer identifier; its endpoints come from discovery (OIDC Discovery 1.0 §4). */
  readonly issuer: string;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  readonly scopes: readonly string[];
  /** Also read the UserInfo endpoint (OIDC Core §5.3) for claims the ID token lacks. */
  readonly userinfo: boolean;
}

/** The flow's own failures that mean "this answer is not to be trusted" rather than "upstream is down". */
const UNAVAILABLE: ReadonlySet<string> = new Set([
  'ERR_CLIENT_METADATA_INVALID',
  'ERR_CLIENT_TOKEN_REQUEST_FAILED',
]);
const UNREACHABLE_KEYS: ReadonlySet<string> = new Set([
  'ERR_JWKS_TIMEOUT',
  'ERR_JWKS_FETCH_FAILED',
  'ERR_JWKS_INVALID',
  'ERR_DISCOVERY_INVALID',
]);

/**
 * An upstream OpenID Provider, by issuer URL with discovery: code flow with PKCE S256, state and nonce
 * (RFC 9700 §2.1.1, §4.7); the ID token checked by @latchkey/oidc (signature from the upstream JWKS,
 * iss, aud, azp, exp, iat, nonce: OIDC Core §3.1.3.7); RFC 9207 `iss` checked when sent, required when
 * advertised. The email is trusted only with `email_verified: true` (X2).
 */
export const oidcConnectorType: ConnectorType<OidcConnectorConfig> = {
  type: 'oidc',
  parse(reader, settings) {
    return {
      ...settings,
      type: 'oidc',
      issuer: reader.issuer('issuer'),
      clientId: reader.string('clientId', 512),
      clientSecret: reader.optionalString('clientSecret', 1024),
      scopes: reader.strings('scopes', ['openid', 'profile', 'email']),
      userinfo: reader.boolean('userinfo', false),
    };
  },
  describe(config) {
    return [
      codeFact('Issuer', config.issuer),
      codeFact('Client id', config.clientId),
      secretFact('Client secret', config.clientSecret),
      codeFact('Scopes', config.scopes.join(' ')),
      { label: 'UserInfo', value: config.userinfo ? 'read' : 'not read' },
    ];
  },
  create(config, deps) {
    const client: OidcClient = createOidcClient({
      issuer: config.issuer,
      clientId: config.clientId,
      ...(config.clientSecret === undefined ? {} : { clientSecret: config.clientSecret }),
      redirectUri: deps.callbackUrl,
      scopes: config.scopes,
      fetch: deps.fetch,
      now: deps.now,
    });
    const connector: RedirectConnector = {
      kind: 'redirect',
      settings: config,
      async start({ loginHint }) {
        const { url, state, nonce, codeVerifier } = await upstream(() =>
          client.startAuthorization(loginHint === undefined ? {} : { params: { login_hint: loginHint } }),
        );
        return { url, pending: { state, nonce, codeVerifier } };
      },
      async finish(params, pending) {
        const tokens = await upstream(() => client.handleCallback(params, pending));
        let claims: Record<string, unknown> = { ...tokens.claims };
        if (config.userinfo) {
          const info = await upstream(() => readUserInfo(client, deps.fetch, tokens.accessToken));
          // OIDC Core §5.3.2: the UserInfo `sub` must equal the ID token's, or nothing of it is used.
          if (info['sub'] !== tokens.claims.sub) {
            throw new UpstreamRejectedError('the UserInfo response names another subject');
          }
          claims = { ...info, ...claims };
        }
        return profileFromClaims(config, tokens.claims.iss, tokens.claims.sub, claims);
      },
    };
    return connector;
  },
};

/** Reads the profile from verified claims: `email` counts only when `email_verified` is true (X2). */
function profileFromClaims(
  config: OidcConnectorConfig,
  issuer: string,
  subject: string,
  claims: Readonly<Record<string, unknown>>,
): UpstreamProfile {
  const email = claims['email'];
  const amr = stringList(claims['amr']);
  const acr = claims['acr'];
  return {
    key: { connectorId: config.id, issuer, subject },
    verifiedEmail: typeof email === 'string' && claims['email_verified'] === true ? email : undefined,
    claims,
    groups: config.groups.claim === undefined ? [] : stringList(claims[config.groups.claim]),
    amr,
    acr: typeof acr === 'string' ? acr : undefined,
  };
}

/** OIDC Core §5.3: the UserInfo response, a JSON object, read with the access token. */
async function readUserInfo(
  client: OidcClient,
  fetchFn: typeof fetch,
  accessToken: string,
): Promise<Record<string, unknown>> {
  const endpoint = (await client.metadata())['userinfo_endpoint'];
  if (typeof endpoint !== 'string')
    throw new ConnectorUnavailableError('the upstream has no UserInfo endpoint');
  const body = await fetchUpstreamJson(fetchFn, endpoint, {
    headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' },
  });
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new ConnectorUnavailableError('the UserInfo response is not a JSON object');
  }
  return body as Record<string, unknown>;
}

/**
 * Runs an upstream call and sorts its failures: unreachable or broken upstream → ConnectorUnavailableError;
 * anything that failed a check (state, iss, aud, nonce, signature, expiry) → UpstreamRejectedError.
 */
async function upstream<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ConnectorUnavailableError || error instanceof UpstreamRejectedError) throw error;
    if (isOidcClientError(error)) {
      if (UNAVAILABLE.has(error.code)) throw new ConnectorUnavailableError(error.code, { cause: error });
      throw new UpstreamRejectedError(error.code, { cause: error });
    }
    if (isJoseError(error)) {
      // A key set or discovery that cannot be fetched is the upstream being down, not a forged token.
      if (UNREACHABLE_KEYS.has(error.code)) {
        throw new ConnectorUnavailableError(error.code, { cause: error });
      }
      throw new UpstreamRejectedError(error.code, { cause: error });
    }
    throw new ConnectorUnavailableError('the upstream could not be reached', { cause: error });
  }
}
