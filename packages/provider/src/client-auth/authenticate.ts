import { InvalidClient, InvalidRequest } from '../errors/index.js';
import type { ClientRecord, ClientStore } from '../store/types.js';
import type { ClientAuthMethod, ClientAuthRequest } from './method.js';

/** Client ids are at most 255 characters (clients/checks.ts): a longer one is unknown without a lookup. */
const MAX_CLIENT_ID = 255;

/**
 * Authenticates the client of a token-endpoint request (RFC 6749 §2.3, §3.2.1) by the one method the
 * request uses, which must be the client's registered method (OIDC Core §9).
 * - Two methods with credentials in one request → `invalid_request` (RFC 6749 §2.3: "MUST NOT use
 *   more than one authentication method in each request"; checklist C2).
 * - An unknown client, a wrong secret, the wrong method: one `invalid_client` (401), after the same
 *   work — the secret is hashed and compared even when no client was found (C1).
 */
export async function authenticateClient(
  request: ClientAuthRequest,
  clients: Pick<ClientStore, 'get'>,
  registry: readonly ClientAuthMethod[],
): Promise<ClientRecord> {
  const presented = registry.filter((method) => method.presentedIn(request));
  const proving = presented.filter((method) => !method.forPublicClients);
  if (proving.length > 1) {
    throw new InvalidRequest(
      `More than one client authentication method was used (${proving.map((m) => m.method).join(', ')})`,
    );
  }
  const method = proving[0] ?? presented[0];
  if (method === undefined) throw new InvalidClient('Client authentication is required');
  if (!method.implemented || method.read === undefined || method.verify === undefined) {
    throw new InvalidClient(`The ${method.method} client authentication method is not supported`);
  }
  const credentials = method.read(request);
  // RFC 6749 §2.3.1: a client_id in the body besides other credentials must name the same client.
  const bodyClientId = request.params.get('client_id');
  if (bodyClientId !== undefined && bodyClientId !== credentials.clientId) {
    throw new InvalidRequest('The client_id parameter does not match the client credentials');
  }
  const client =
    credentials.clientId.length <= MAX_CLIENT_ID ? await clients.get(credentials.clientId) : undefined;
  const verified = await method.verify(client, credentials);
  if (client === undefined || !verified || client.tokenEndpointAuthMethod !== method.method) {
    throw new InvalidClient(
      'Client authentication failed',
      client === undefined
        ? 'unknown client'
        : !verified
          ? `${method.method}: wrong credentials`
          : `client registered for ${client.tokenEndpointAuthMethod}, used ${method.method}`,
    );
  }
  return client;
}
