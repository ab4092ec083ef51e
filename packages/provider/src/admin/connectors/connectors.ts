import type { ConnectorSettings } from '../../connectors/connector.js';
import type { ConnectorFact } from '../../connectors/facts.js';
import { findConnectorType } from '../../connectors/registry.js';
import type { IdentityStore } from '../../store/types.js';

/**
 * One configured connector as the console shows it (issue 17): its common settings, its type's own
 * facts with every secret masked by the type itself, and how many identities are linked through it.
 * Built field by field, never by spreading the configuration, so no secret can ride along.
 */
export interface ConnectorSummary extends ConnectorSettings {
  readonly facts: readonly ConnectorFact[];
  readonly linkedIdentities: number;
}

/** The connectors of the configuration, in its order. A read: nothing changes, nothing is audited. */
export async function listConnectors(
  stores: { readonly identities: Pick<IdentityStore, 'countByConnector'> },
  connectors: readonly ConnectorSettings[],
): Promise<ConnectorSummary[]> {
  const linked = connectors.length === 0 ? new Map() : await stores.identities.countByConnector();
  return connectors.map((c) => ({
    id: c.id,
    type: c.type,
    displayName: c.displayName,
    logoUrl: c.logoUrl,
    jit: c.jit,
    claims: c.claims,
    groups: { claim: c.groups.claim, map: c.groups.map },
    allowedEmailDomains: c.allowedEmailDomains,
    facts: findConnectorType(c.type)?.describe(c) ?? [],
    linkedIdentities: linked.get(c.id) ?? 0,
  }));
}
