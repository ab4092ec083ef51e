import { checkAuthorizationResponse, isOidcClientError, pkceChallenge, randomToken } from '@latchkey/oidc';
import { stringList } from './claims.js';
import { type ConnectorSettings, type RedirectConnector, UpstreamRejectedError } from './connector.js';
import type { ConnectorType } from './connector-type.js';
import { codeFact, secretFact } from './facts.js';
import { fetchUpstreamJson } from './upstream-json.js';

export interface OAuth2ConnectorConfig extends ConnectorSettings {
  readonly type: 'oauth2';
  /** Names the upstream in identities (and RFC 9207 `iss`, when it sends one): an identity is (id, issuer, subject). */
  readonly issuer: string;
  readonly authorizationUrl: string;
  readonly tokenUrl: string;
  /** The user API: a JSON object describing the person, read with the access token. */
  readonly userUrl: string;
  /** A verified-email API (GitHub's `/user/emails` shape: `[{ email, verified, primary }]`); optional. */
  readonly emailsUrl: string | undefined;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly scopes: readonly string[];
  /** The user API's field holding the stable id (GitHub: the numeric `id`, never the renamable `login`). */
  readonly subjectField: string;
}

/** GitHub as a preset: its endpoints and fields, so a configuration needs only id, client id and secret. */
const PRESETS: Readonly<Record<string, Partial<Record<string, unknown>>>> = {
  github: {
    issuer: 'https://github.com',
    authorizationUrl: 'https://github.com/login/oauth/authorize',
    tokenUrl: 'https://github.com/login/oauth/access_token',
    userUrl: 'https://api.github.com/user',
    emailsUrl: 'https://api.github.com/user/emails',
    scopes: ['read:user', 'user:email'],
    subjectField: 'id',
    claims: { preferred_username: 'login', name: 'name', picture: 'avatar_url', website: 'blog' },
  },
};

/**
 * An OAuth 2.0 upstream without OpenID Connect (the GitHub shape): authorization code with PKCE S256
 * and state (RFC 9700 §2.1.1), the token request with the client secret (RFC 6749 §2.3.1), then the
 * user API for the stable id and claims, and a verified-email API for the address. Nothing here is
 * signed, so only what the user API says with this access token counts, and the address only when
 * the email API marks it verified (X2).
 */
export const oauth2ConnectorType: ConnectorType<OAuth2ConnectorConfig> = {
  type: 'oauth2',
  parse(reader, settings) {
    const presetName = reader.oneOf('preset', ['none', ...Object.keys(PRESETS)], 'none');
    const preset = PRESETS[presetName] ?? {};
    const pick = <T>(name: string, read: () => T | undefined): T | undefined =>
      read() ?? (preset[name] as T | undefined);
    const required = <T>(name: string, read: () => T | undefined): T => {
      const value = pick(name, read);
      if (value === undefined) return reader.string(name) as T;
      return value;
    };
    const presetClaims = (preset['claims'] ?? {}) as Record<string, string>;
    return {
      ...settings,
      claims: Object.keys(settings.claims).length === 0 ? presetClaims : settings.claims,
      type: 'oauth2',
      issuer: required('issuer', () => reader.optionalUrl('issuer')),
      authorizationUrl: required('authorizationUrl', () => reader.optionalUrl('authorizationUrl')),
      tokenUrl: required('tokenUrl', () => reader.optionalUrl('tokenUrl')),
      userUrl: required('userUrl', () => reader.optionalUrl('userUrl')),
      emailsUrl: pick('emailsUrl', () => reader.optionalUrl('emailsUrl')),
      clientId: reader.string('clientId', 512),
      clientSecret: reader.string('clientSecret', 1024),
      scopes: reader.has('scopes')
        ? reader.strings('scopes')
        : ((preset['scopes'] as string[] | undefined) ?? []),
      subjectField: pick('subjectField', () => reader.optionalString('subjectField', 100)) ?? 'id',
    };
  },
  describe(config) {
    return [
      codeFact('Issuer', config.issuer),
      codeFact('Authorization URL', config.authorizationUrl),
      codeFact('Token URL', config.tokenUrl),
      codeFact('User API', config.userUrl),
      codeFact('Verified-email API', config.emailsUrl),
      codeFact('Client id', config.clientId),
      secretFact('Client secret', config.clientSecret),
      codeFact('Scopes', config.scopes.join(' ')),
      codeFact('Subject field', config.subjectField),
    ];
  },
  create(config, deps) {
    const getJson = (url: string, init: RequestInit) => fetchUpstreamJson(deps.fetch, url, init);
    const api = (url: string, accessToken: string) =>
      getJson(url, {
        headers: {
          authorization: `Bearer ${accessToken}`,
          accept: 'application/json',
          'user-agent': 'latchkey',
        },
      });
    const connector: RedirectConnector = {
      kind: 'redirect',
      settings: config,
      async start() {
        const pending = { state: randomToken(), nonce: randomToken(), codeVerifier: randomToken() };
        const url = new URL(config.authorizationUrl);
        url.searchParams.set('response_type', 'code');
        url.searchParams.set('client_id', config.clientId);
        url.searchParams.set('redirect_uri', deps.callbackUrl);
        if (config.scopes.length > 0) url.searchParams.set('scope', config.scopes.join(' '));
        url.searchParams.set('state', pending.state);
        url.searchParams.set('code_challenge', pkceChallenge(pending.codeVerifier));
        url.searchParams.set('code_challenge_method', 'S256');
        return { url: url.href, pending };
      },
      async finish(params, pending) {
        let code: string;
        try {
          // RFC 9207 §2.4: an `iss` that is sent must be this upstream's; none is promised here.
          code = checkAuthorizationResponse(params, {
            state: pending.state,
            issuer: config.issuer,
            issParameterSupported: false,
          });
        } catch (error) {
          if (isOidcClientError(error)) throw new UpstreamRejectedError(error.code, { cause: error });
          throw error;
        }
        const token = await getJson(config.tokenUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({
            grant_type: 'authorization_code',
            code,
            redirect_uri: deps.callbackUrl,
            client_id: config.clientId,
            client_secret: config.clientSecret,
            code_verifier: pending.codeVerifier,
          }),
        });
        const accessToken = (token as Record<string, unknown> | null)?.['access_token'];
        if (typeof accessToken !== 'string' || accessToken === '') {
          throw new UpstreamRejectedError('the token response has no access_token');
        }
        const user = await api(config.userUrl, accessToken);
        if (user === null || typeof user !== 'object' || Array.isArray(user)) {
          throw new UpstreamRejectedError('the user API did not answer an object');
        }
        const claims = user as Record<string, unknown>;
        const id = claims[config.subjectField];
        if (
          !((typeof id === 'string' && id !== '') || (typeof id === 'number' && Number.isSafeInteger(id)))
        ) {
          throw new UpstreamRejectedError(`the user API has no ${config.subjectField}`);
        }
        return {
          key: { connectorId: config.id, issuer: config.issuer, subject: String(id) },
          verifiedEmail:
            config.emailsUrl === undefined
              ? undefined
              : verifiedEmail(await api(config.emailsUrl, accessToken)),
          claims,
          groups: config.groups.claim === undefined ? [] : stringList(claims[config.groups.claim]),
          amr: [],
          acr: undefined,
        };
      },
    };
    return connector;
  },
};

/** The primary verified address of a `[{ email, verified, primary }]` list, else the first verified one. */
function verifiedEmail(list: unknown): string | undefined {
  if (!Array.isArray(list)) return undefined;
  const verified = list.filter(
    (e): e is { email: string; primary?: unknown } =>
      e !== null && typeof e === 'object' && typeof e.email === 'string' && e.verified === true,
  );
  return (verified.find((e) => e.primary === true) ?? verified[0])?.email;
}
