import { MAX_CLIENT_ID_URL_LENGTH } from '../../clients/metadata-document.js';
import { InvalidClient } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';
import type { ClientRecord, ClientStore } from '../../store/types.js';

/**
 * RFC 6749 §4.1.1: `client_id` is required and must name a registered client. Until the client and
 * its redirect URI are known, errors are shown on a local page, never redirected (A4).
 */
export async function checkClient(
  params: RequestParams,
  clients: Pick<ClientStore, 'get'>,
): Promise<ClientRecord> {
  const clientId = params.require('client_id');
  const client = clientId.length <= MAX_CLIENT_ID_URL_LENGTH ? await clients.get(clientId) : undefined;
  if (client === undefined) throw new InvalidClient('The client_id does not name a registered client');
  return client;
}
