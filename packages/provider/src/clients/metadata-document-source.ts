import { InvalidClient } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import { type GuardedFetcher, isOutboundError } from '../outbound/index.js';
import type { ClientRecord } from '../store/types.js';
import { type ClientPolicy, policyForHost } from './client-policy.js';
import type { ClientSource } from './client-sources.js';
import { clientFromMetadataDocument, isMetadataDocumentUrl } from './metadata-document.js';

export interface MetadataDocumentSourceDeps {
  /** The guarded fetcher, with its HTTP cache (outbound/). */
  readonly fetcher: GuardedFetcher;
  /** Trust policies (config `clients.metadataDocuments`); none: the source answers nothing. */
  readonly policies: readonly ClientPolicy[];
  readonly now: Clock;
}

/** CIMD draft §8.7: a metadata document larger than 5 kilobytes is refused. */
export const METADATA_DOCUMENT_MAX_BYTES = 5120;

/**
 * Clients whose `client_id` is the https URL of their metadata document (CIMD draft §5): fetched with
 * the guarded fetcher (M1), validated (M2), admitted only under a trust policy matching the URL's host.
 * A URL no policy admits is not a client (undefined); a document that cannot be fetched or is invalid
 * is `invalid_client` with the reason, never a 500.
 */
export function createMetadataDocumentSource(deps: MetadataDocumentSourceDeps): ClientSource {
  return {
    async get(clientId: string): Promise<ClientRecord | undefined> {
      if (deps.policies.length === 0 || !isMetadataDocumentUrl(clientId)) return undefined;
      const policy = policyForHost(deps.policies, new URL(clientId).hostname);
      if (policy === undefined) return undefined;
      let body: Buffer;
      try {
        ({ body } = await deps.fetcher.get({
          url: clientId,
          accept: ['application/json'],
          maxBytes: METADATA_DOCUMENT_MAX_BYTES,
        }));
      } catch (error) {
        if (!isOutboundError(error)) throw error;
        throw new InvalidClient(
          `The client metadata document could not be fetched: ${error.message}`,
          error.code,
        );
      }
      return clientFromMetadataDocument(clientId, body, policy, deps.now());
    },
  };
}
