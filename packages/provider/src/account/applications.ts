import { isMetadataDocumentUrl } from '../clients/metadata-document.js';
import { findScope } from '../scopes/index.js';
import type { ConsentRecord, LiveGrant, ProviderStores } from '../store/types.js';

type ApplicationStores = Pick<ProviderStores, 'clients' | 'clientRegistrations'>;

/** One application on the account page: what it may do, and when it last used the account. */
export interface ConnectedApplication {
  readonly clientId: string;
  /** The registered name; for a metadata-document client its host, the one thing the URL proves. */
  readonly name: string;
  /** Dynamically registered (RFC 7591) or a Client ID Metadata Document: an agent, not an operator's app. */
  readonly agent: 'dynamic' | 'metadata-document' | undefined;
  readonly permissions: readonly string[];
  readonly grantedAt: number;
  /** The latest of its live grants' creation and refresh-token rotations; undefined without a live grant. */
  readonly lastUsedAt: number | undefined;
}

/**
 * How a client is named to the person. A metadata-document client is named by its host and never
 * looked up: the lookup would fetch its document, and a page view must not reach out to the network
 * (the document is also not remembered, see clients/unremembered-consents.ts).
 */
export async function describeClient(
  stores: ApplicationStores,
  clientId: string,
): Promise<{ readonly name: string; readonly agent: ConnectedApplication['agent'] }> {
  if (isMetadataDocumentUrl(clientId)) return { name: new URL(clientId).host, agent: 'metadata-document' };
  const registered = await stores.clientRegistrations.get(clientId);
  if (registered !== undefined) return { name: registered.client.name, agent: 'dynamic' };
  return { name: (await stores.clients.get(clientId))?.name ?? clientId, agent: undefined };
}

const inWords = (scope: string) => findScope(scope)?.description ?? `Use the “${scope}” permission`;

/**
 * The person's applications: every client they consented to and every client holding a live grant
 * (metadata-document clients have no remembered consent, issue 18), one entry per client, most
 * recently used first. Disconnecting one revokes all of its grants and its consent.
 */
export async function connectedApplications(
  stores: ApplicationStores,
  consents: readonly ConsentRecord[],
  grants: readonly LiveGrant[],
): Promise<ConnectedApplication[]> {
  const clientIds = [...new Set([...consents.map((c) => c.clientId), ...grants.map((g) => g.clientId)])];
  const apps = await Promise.all(
    clientIds.map(async (clientId): Promise<ConnectedApplication> => {
      const consent = consents.find((c) => c.clientId === clientId);
      const own = grants.filter((g) => g.clientId === clientId);
      const scopes = consent?.scopes ?? [...new Set(own.flatMap((g) => g.scopes))];
      return {
        clientId,
        ...(await describeClient(stores, clientId)),
        permissions: scopes.map(inWords),
        grantedAt: consent?.grantedAt ?? Math.min(...own.map((g) => g.createdAt)),
        lastUsedAt: own.length === 0 ? undefined : Math.max(...own.map((g) => g.lastUsedAt)),
      };
    }),
  );
  const recency = (a: ConnectedApplication) => a.lastUsedAt ?? a.grantedAt;
  return apps.sort((a, b) => recency(b) - recency(a) || a.clientId.localeCompare(b.clientId));
}
