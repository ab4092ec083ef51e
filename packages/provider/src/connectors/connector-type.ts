import type { ConfigReader } from './config-reader.js';
import type { Connector, ConnectorSettings } from './connector.js';
import type { ConnectorFact } from './facts.js';

/** What a connector needs from the provider, injected (DESIGN rule 4). */
export interface ConnectorDeps {
  /** Every outbound request of a connector (discovery, JWKS, token, user APIs). */
  readonly fetch: typeof fetch;
  /** Epoch milliseconds. */
  readonly now: () => number;
  /** This connector's own callback URL on the provider: `<issuer>/connectors/<id>/callback`. */
  readonly callbackUrl: string;
}

/**
 * One kind of upstream (oidc, oauth2, ldap). Registered in CONNECTOR_TYPES (./registry.ts): adding a
 * kind touches one new file and one line there (DESIGN Round 2).
 */
export interface ConnectorType<C extends ConnectorSettings = ConnectorSettings> {
  readonly type: string;
  /** Reads the kind's own keys; throws ConnectorConfigError naming the key. */
  parse(reader: ConfigReader, settings: ConnectorSettings): C;
  create(config: C, deps: ConnectorDeps): Connector;
  /** The kind's own settings for the console, every secret masked (facts.ts): never its value. */
  describe(config: C): readonly ConnectorFact[];
}
