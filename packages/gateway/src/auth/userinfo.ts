import type { JwtClaims, OidcClient } from '@latchkey/oidc';
import { parseJsonObject } from '@latchkey/oidc';
import type { GatewayConfig, ProviderConfig } from '../config/types.js';

const USERINFO_TIMEOUT_MS = 10_000;
const MAX_USERINFO_BYTES = 64 * 1024;
// Claims about the token or the sign-in, not the user: only the ID token may state them.
const PROTOCOL_CLAIMS: ReadonlySet<string> = new Set([
  'iss',
  'sub',
  'aud',
  'exp',
  'iat',
  'nbf',
  'jti',
  'nonce',
  'azp',
  'at_hash',
  'c_hash',
  'sid',
  'auth_time',
  'acr',
  'amr',
]);

/** UserInfo could not be used at sign-in: unreachable, an error status, not JSON, or another `sub`. */
export class UserInfoError extends Error {
  override readonly name = 'UserInfoError';
  readonly code = 'ERR_USERINFO_FAILED';
}

/**
 * The claims the gateway reads of a provider's users: the user and email headers, the groups claim,
 * and every claim a route policy names.
 */
export function claimsNeeded(config: GatewayConfig, provider: ProviderConfig): readonly string[] {
  const names = new Set(['preferred_username', 'email', provider.groupsClaim]);
  for (const route of config.routes) {
    if (route.policy.kind !== 'require' || !route.providers.includes(provider.id)) continue;
    for (const clause of route.policy.clauses)
      for (const requirement of clause) if (requirement.kind === 'claim') names.add(requirement.name);
  }
  return [...names];
}

/**
 * OIDC Core §5.4: a provider may return the claims of the `profile` and `email` scopes only from the
 * UserInfo endpoint when an access token is issued (node-oidc-provider does). When the ID token lacks
 * a claim the gateway needs, UserInfo is called once, at sign-in (§5.3), and its `sub` must equal the
 * ID token's (§5.3.2: otherwise the response must not be used). Returns the user claims the ID token
 * does not already state (never protocol claims); undefined when nothing is missing or the provider
 * has no UserInfo endpoint.
 */
export async function userInfoClaims(
  client: OidcClient,
  tokens: { readonly accessToken: string; readonly claims: JwtClaims },
  needed: readonly string[],
  fetchFn: typeof fetch,
): Promise<JwtClaims | undefined> {
  if (needed.every((name) => Object.hasOwn(tokens.claims, name))) return undefined;
  const endpoint = (await client.metadata()).userinfo_endpoint;
  if (typeof endpoint !== 'string') return undefined;
  let response: Response;
  try {
    response = await fetchFn(endpoint, {
      headers: { authorization: `Bearer ${tokens.accessToken}`, accept: 'application/json' },
      redirect: 'manual',
      signal: AbortSignal.timeout(USERINFO_TIMEOUT_MS),
    });
  } catch {
    throw new UserInfoError('the UserInfo endpoint could not be reached');
  }
  const body = await readBounded(response);
  if (response.status !== 200)
    throw new UserInfoError(`the UserInfo endpoint answered HTTP ${response.status}`);
  // §5.3.2: a signed or encrypted answer is application/jwt; only plain JSON is read here.
  if (!/^application\/json\b/i.test(response.headers.get('content-type') ?? ''))
    throw new UserInfoError('the UserInfo response is not JSON');
  let claims: Record<string, unknown>;
  try {
    claims = parseJsonObject(body, 'ERR_JWT_INVALID', 'the UserInfo response');
  } catch {
    throw new UserInfoError('the UserInfo response is not a JSON object');
  }
  if (claims['sub'] !== tokens.claims.sub) throw new UserInfoError('the UserInfo response names another sub');
  const extra: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(claims)) {
    if (!PROTOCOL_CLAIMS.has(name) && !Object.hasOwn(tokens.claims, name)) extra[name] = value;
  }
  return extra as JwtClaims;
}

async function readBounded(response: Response): Promise<Uint8Array> {
  if (Number(response.headers.get('content-length')) > MAX_USERINFO_BYTES) {
    await response.body?.cancel().catch(() => {});
    throw new UserInfoError(`the UserInfo response is larger than ${MAX_USERINFO_BYTES} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for await (const chunk of response.body ?? []) {
      total += (chunk as Uint8Array).byteLength;
      if (total > MAX_USERINFO_BYTES)
        throw new UserInfoError(`the UserInfo response is larger than ${MAX_USERINFO_BYTES} bytes`);
      chunks.push(chunk as Uint8Array);
    }
  } catch (error) {
    await response.body?.cancel().catch(() => {});
    throw error instanceof UserInfoError ? error : new UserInfoError('reading the UserInfo response failed');
  }
  return Buffer.concat(chunks);
}
