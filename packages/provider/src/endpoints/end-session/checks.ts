import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord, ClientStore, SessionRecord, UserRecord } from '../../store/types.js';
import type { IdTokenHintClaims, IdTokenHintReader } from '../authorize/check-id-token-hint.js';
import { checkLocales } from '../authorize/check-locales.js';

/** Rule 9: bounds on what the request may carry. An ID token of ours is far below 16 KiB. */
const MAX_ID_TOKEN_HINT_LENGTH = 16 * 1024;
const MAX_STATE_LENGTH = 2048;
const MAX_URI_LENGTH = 2000;
const MAX_CLIENT_ID_LENGTH = 255;
const MAX_LOGOUT_HINT_LENGTH = 256;

/** The parameters of RP-Initiated Logout 1.0 §2, read once (duplicates are invalid_request, A10). */
export interface LogoutParams {
  readonly idTokenHint: string | undefined;
  readonly clientId: string | undefined;
  readonly postLogoutRedirectUri: string | undefined;
  readonly state: string | undefined;
  readonly logoutHint: string | undefined;
  readonly uiLocales: readonly string[];
}

/** The names the confirmation form carries over, so its POST is checked exactly as the GET was. */
export const LOGOUT_PARAM_NAMES = [
  'id_token_hint',
  'client_id',
  'post_logout_redirect_uri',
  'state',
  'logout_hint',
  'ui_locales',
] as const;

export function readLogoutParams(params: RequestParams): LogoutParams {
  const bounded = (name: string, max: number) => {
    const value = params.get(name);
    if (value !== undefined && value.length > max) throw new InvalidRequest(`The ${name} is too long`);
    return value;
  };
  return {
    idTokenHint: bounded('id_token_hint', MAX_ID_TOKEN_HINT_LENGTH),
    clientId: bounded('client_id', MAX_CLIENT_ID_LENGTH),
    postLogoutRedirectUri: bounded('post_logout_redirect_uri', MAX_URI_LENGTH),
    state: bounded('state', MAX_STATE_LENGTH),
    logoutHint: checkLogoutHint(params),
    // RP-Initiated Logout §2: as in OIDC Core; the pages are in English only, which is allowed.
    uiLocales: checkLocales(params, 'ui_locales'),
  };
}

/** RP-Initiated Logout §2 `logout_hint`: only a hint, so a malformed one is ignored rather than refused. */
function checkLogoutHint(params: RequestParams): string | undefined {
  const hint = params.get('logout_hint');
  if (hint === undefined || hint.length > MAX_LOGOUT_HINT_LENGTH || /\p{Cc}/u.test(hint)) return undefined;
  return hint;
}

/**
 * RP-Initiated Logout §2 `id_token_hint`: must be an ID token this provider issued (checked against our
 * own keys; an expired one is fine). One that does not verify is treated as absent — it can then
 * neither log anyone out without confirmation nor earn a redirect — rather than refused, so a person
 * holding a stale link can still sign out.
 */
export async function checkLogoutIdTokenHint(
  token: string | undefined,
  read: IdTokenHintReader,
): Promise<IdTokenHintClaims | undefined> {
  return token === undefined ? undefined : read(token);
}

/** The client an ID token was issued to: `azp`, or its only audience. */
function hintClientId(hint: IdTokenHintClaims): string | undefined {
  return hint.azp ?? (hint.aud.length === 1 ? hint.aud[0] : undefined);
}

/**
 * RP-Initiated Logout §2 `client_id`: with a hint, it MUST be one the ID token was issued to. The client
 * is the one named, or the hint's; an unknown client_id is an error, a deleted hint client is nobody.
 */
export async function checkLogoutClient(
  clientId: string | undefined,
  hint: IdTokenHintClaims | undefined,
  clients: Pick<ClientStore, 'get'>,
): Promise<ClientRecord | undefined> {
  if (clientId !== undefined && hint !== undefined && !hint.aud.includes(clientId)) {
    throw new InvalidRequest('The client_id is not the client the id_token_hint was issued to');
  }
  const id = clientId ?? (hint === undefined ? undefined : hintClientId(hint));
  if (id === undefined) return undefined;
  const client = await clients.get(id);
  if (client === undefined && clientId !== undefined) {
    throw new InvalidRequest('The client_id is not a registered client');
  }
  return client;
}

/**
 * RP-Initiated Logout §3: redirect only to a post_logout_redirect_uri registered for the client, by
 * exact string match, and only for a request that proves where it comes from with a valid
 * id_token_hint — never an open redirect. A URI the identified client never registered is an error
 * (the developer sees why); without a valid hint the URI is ignored and the person stays here.
 * Returns the URI to send the browser to, `state` added (§3), or undefined.
 */
export function checkPostLogoutRedirectUri(
  params: Pick<LogoutParams, 'postLogoutRedirectUri' | 'state'>,
  hint: IdTokenHintClaims | undefined,
  client: ClientRecord | undefined,
): string | undefined {
  const uri = params.postLogoutRedirectUri;
  if (uri === undefined || client === undefined) return undefined;
  if (!client.postLogoutRedirectUris.includes(uri)) {
    throw new InvalidRequest('The post_logout_redirect_uri is not registered for this client');
  }
  if (hint === undefined) return undefined;
  if (params.state === undefined) return uri;
  const url = new URL(uri);
  url.searchParams.append('state', params.state);
  return url.href;
}

/**
 * Whether the request plainly comes from the session it would end, so no confirmation is asked
 * (RP-Initiated Logout §2: the OP SHOULD ask the End-User otherwise): a valid hint naming this
 * session's user and `sid`, and a logout_hint, if any, naming the same account.
 */
export function hintMatchesSession(
  hint: IdTokenHintClaims | undefined,
  logoutHint: string | undefined,
  session: SessionRecord,
  user: Pick<UserRecord, 'username' | 'email'> | undefined,
): boolean {
  if (hint === undefined || hint.sub !== session.userId || hint.sid !== session.sid) return false;
  if (logoutHint === undefined) return true;
  const wanted = logoutHint.toLowerCase();
  return user !== undefined && (wanted === user.username || wanted === user.email?.toLowerCase());
}
