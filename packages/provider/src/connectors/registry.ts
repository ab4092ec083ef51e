import type { ConnectorType } from './connector-type.js';
import { ldapConnectorType } from './ldap.js';
import { oauth2ConnectorType } from './oauth2.js';
import { oidcConnectorType } from './oidc.js';

/** Every kind of connector, in one list: adding one is one new file and one line here (DESIGN Round 2). */
export const CONNECTOR_TYPES: readonly ConnectorType[] = [
  oidcConnectorType,
  oauth2ConnectorType,
  ldapConnectorType,
];

export function findConnectorType(type: string): ConnectorType | undefined {
  return CONNECTOR_TYPES.find((t) => t.type === type);
}
