import type { ConsentStore } from '../store/types.js';
import { isMetadataDocumentUrl } from './metadata-document.js';

/**
 * Consent given to a metadata-document client is not remembered: the person is asked at every
 * authorization. The client has no row for a consent to name, and the document behind one URL can
 * change (new redirect URIs, a new name) between two visits. Registered ids can never look like an
 * https URL (clients/checks.ts), so the id alone tells these clients apart.
 */
export function withUnrememberedConsents(store: ConsentStore): ConsentStore {
  return {
    get: (userId, clientId) =>
      isMetadataDocumentUrl(clientId) ? Promise.resolve(undefined) : store.get(userId, clientId),
    grant: (userId, clientId, scopes, at, claims) =>
      isMetadataDocumentUrl(clientId) ? Promise.resolve() : store.grant(userId, clientId, scopes, at, claims),
    revoke: (userId, clientId) => store.revoke(userId, clientId),
    revokeAllForUser: (userId) => store.revokeAllForUser(userId),
    listByUser: (userId) => store.listByUser(userId),
  };
}
