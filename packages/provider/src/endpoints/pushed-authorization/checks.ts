import { InvalidDpopProof, InvalidRequest } from '../../errors/index.js';
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

/**
 * RFC 9449 §10.1: a push may carry a DPoP proof instead of (or besides) `dpop_jkt`; the code is then
 * bound to the proof's key, and when both are sent they must name the same key.
 */
export function checkDpopJktMatchesProof(
  parameter: string | undefined,
  proofJkt: string | undefined,
): string | undefined {
  if (parameter !== undefined && proofJkt !== undefined && parameter !== proofJkt) {
    throw new InvalidDpopProof('The dpop_jkt is not the thumbprint of the DPoP proof key');
  }
  return parameter ?? proofJkt;
}

/** The stored parameters with the proof's `dpop_jkt` added when the client did not send one itself. */
export function withDpopJkt(
  entries: [string, string][],
  jkt: string | undefined,
  sent: boolean,
): [string, string][] {
  return jkt === undefined || sent ? entries : [...entries, ['dpop_jkt', jkt]];
}
