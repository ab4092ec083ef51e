/**
 * Pushed authorization requests (RFC 9126) as /authorize sees them: a `request_uri` from /par stands
 * for the parameters pushed with it, once, while it lives (§4). The parameters come only from the
 * pushed request: what the browser's URL adds besides `client_id` and `request_uri` is ignored (§4:
 * the request "MUST" be the pushed one), so nothing can be slipped in past the client's authentication.
 */
import { createHash } from 'node:crypto';
import { InvalidRequest, OAuthError } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { RequestParams } from '../lib/request-params.js';
import type { ClientRecord, PushedRequestStore } from '../store/types.js';

/** RFC 9126 §2.2: the URN namespace of request URIs from a PAR endpoint. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** The store key of a request URI: its SHA-256 (DESIGN rule 6: a bearer of the request is not stored). */
export function requestUriHash(requestUri: string): string {
  return createHash('sha256').update(requestUri).digest('base64url');
}

/** OIDC Core §3.1.2.6 / RFC 9126 §4: the request_uri is unknown, used, expired or another client's. */
export class InvalidRequestUri extends OAuthError {
  override readonly name = 'InvalidRequestUri';
  constructor(description: string, debug?: string) {
    super('invalid_request_uri', 400, description, debug);
  }
}

export interface ResolvedRequest {
  readonly params: RequestParams;
  /** Whether the parameters came from a pushed request. */
  readonly pushed: boolean;
}

/**
 * The parameters of an authorization request: the pushed ones when `request_uri` names a pushed
 * request of this `client_id` (consumed here, atomically), else the request's own.
 */
export async function resolvePushedRequest(
  params: RequestParams,
  store: Pick<PushedRequestStore, 'consume'>,
  now: Clock,
): Promise<ResolvedRequest> {
  const requestUri = params.get('request_uri');
  if (requestUri === undefined || !requestUri.startsWith(REQUEST_URI_PREFIX))
    return { params, pushed: false };
  // RFC 9126 §4: client_id is still required, and must be the client that pushed.
  const clientId = params.require('client_id');
  const record =
    requestUri.length <= 200 ? await store.consume(requestUriHash(requestUri), now()) : undefined;
  if (record === undefined) {
    throw new InvalidRequestUri(
      'The request_uri is unknown, expired or already used',
      'pushed request not found',
    );
  }
  if (record.clientId !== clientId) {
    throw new InvalidRequestUri('The request_uri was pushed by another client', 'client_id mismatch');
  }
  return {
    params: RequestParams.fromSearchParams(
      new URLSearchParams(record.params.map(([n, v]): [string, string] => [n, v])),
    ),
    pushed: true,
  };
}

/** RFC 9126 §5, §6: a request that must be pushed and was not is refused. */
export function checkPushedWhenRequired(
  client: Pick<ClientRecord, 'requirePushedAuthorizationRequests'>,
  pushed: boolean,
  requiredForAll: boolean,
): void {
  if (!pushed && (requiredForAll || client.requirePushedAuthorizationRequests === true)) {
    throw new InvalidRequest(
      'Authorization requests must be pushed to the pushed authorization request endpoint first',
    );
  }
}
