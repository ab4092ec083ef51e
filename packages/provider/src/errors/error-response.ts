import { isStoreOutage, RETRY_AFTER_SECONDS } from '../lib/database-unavailable.js';
import { OAuthError, type OAuthErrorCode, ServerError, TemporarilyUnavailable } from './oauth-error.js';

/** What an HTTP layer needs to send an error: status, headers, JSON body. */
export interface ErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: { error: OAuthErrorCode; error_description?: string };
}

/**
 * The one factory: any thrown value → the response to send. OAuthErrors keep their code; a store call
 * that failed for want of a database is a 503 `temporarily_unavailable` with Retry-After (the pool
 * reconnects by itself, so the same request succeeds once the database is back); anything else becomes a
 * 500 `server_error` with no detail (stack traces stay in the log).
 */
export function errorResponse(error: unknown): ErrorResponse {
  const oauth = toOAuthError(error);
  // RFC 6749 §5.1/§5.2: error responses, like token responses, must not be cached.
  const headers: Record<string, string> = { 'cache-control': 'no-store', pragma: 'no-cache' };
  // RFC 6749 §5.2: a 401 invalid_client carries a WWW-Authenticate challenge for the scheme the client used.
  if (oauth.status === 401) headers['www-authenticate'] = 'Basic realm="latchkey", charset="UTF-8"';
  // RFC 9110 §10.2.3: tell clients (and load balancers) when to try again.
  if (oauth.status === 503) headers['retry-after'] = String(RETRY_AFTER_SECONDS);
  return { status: oauth.status, headers: { ...headers, ...oauth.responseHeaders() }, body: oauth.toJSON() };
}

/** What a thrown value means on the wire (see errorResponse). */
export function toOAuthError(error: unknown): OAuthError {
  if (error instanceof OAuthError) return error;
  if (isStoreOutage(error)) {
    return new TemporarilyUnavailable('The service is temporarily unavailable; try again shortly.');
  }
  return new ServerError('The server could not complete the request.');
}
