import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord } from '../../store/types.js';

/** RFC 9126 §2.1: a pushed request cannot itself name a `request_uri`. */
export function checkNoRequestUri(params: RequestParams): void {
  if (params.has('request_uri')) throw new InvalidRequest('request_uri cannot be pushed');
}

/** RFC 9126 §2.1: a `client_id` in the pushed parameters must be the authenticated client's. */
export function checkClientIdMatches(params: RequestParams, client: Pick<ClientRecord, 'clientId'>): void {
  const named = params.get('client_id');
  if (named !== undefined && named !== client.clientId) {
    throw new InvalidRequest('The client_id differs from the authenticated client');
  }
}

/** Client authentication parameters are credentials: they are never stored with the request. */
const CREDENTIALS = new Set(['client_secret', 'client_assertion', 'client_assertion_type']);

/** The parameters to store, in order, repeated names kept, credentials left out, `client_id` set. */
export function pushedParameters(
  params: RequestParams,
  client: Pick<ClientRecord, 'clientId'>,
): [string, string][] {
  const entries: [string, string][] = [['client_id', client.clientId]];
  for (const name of params.names()) {
    if (CREDENTIALS.has(name) || name === 'client_id') continue;
    for (const value of params.all(name)) entries.push([name, value]);
  }
  return entries;
}
