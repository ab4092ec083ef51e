import type { Parsed } from '../config/parsers.js';
import { isMappableClaim } from './claims.js';
import { ConfigReader, ConnectorConfigError } from './config-reader.js';
import type { ConnectorSettings, JitMode } from './connector.js';
import { CONNECTOR_TYPES, findConnectorType } from './registry.js';

const JIT_MODES: readonly JitMode[] = ['create', 'link-only', 'deny'];
/** Ids name a URL path segment and identities: short, plain, lower-case. */
const CONNECTOR_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const MAX_CONNECTORS = 50;
const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/**
 * The `connectors` list (a YAML list of objects, or JSON in LATCHKEY_CONNECTORS): each object's common
 * settings, then its type's own keys (CONNECTOR_TYPES). The problem names the key, e.g.
 * `connectors[1].issuer must use https`; values are never echoed (a list holds client secrets).
 */
export function parseConnectors(raw: unknown): Parsed<readonly ConnectorSettings[]> {
  let list = raw;
  if (typeof raw === 'string') {
    try {
      list = JSON.parse(raw) as unknown;
    } catch {
      return { ok: false, problem: 'is not a JSON list of connectors' };
    }
  }
  if (!Array.isArray(list)) return { ok: false, problem: 'must be a list of connectors' };
  if (list.length > MAX_CONNECTORS)
    return { ok: false, problem: `has more than ${MAX_CONNECTORS} connectors` };
  try {
    const seen = new Set<string>();
    const parsed = list.map((item, index) => {
      const prefix = `connectors[${index}]`;
      if (item === null || typeof item !== 'object' || Array.isArray(item)) {
        throw new ConnectorConfigError(prefix, 'must be a map of settings');
      }
      const config = parseOne(new ConfigReader(item as Record<string, unknown>, prefix));
      if (seen.has(config.id)) throw new ConnectorConfigError(`${prefix}.id`, `repeats the id ${config.id}`);
      seen.add(config.id);
      return config;
    });
    return { ok: true, value: parsed };
  } catch (error) {
    if (error instanceof ConnectorConfigError) return { ok: false, problem: `has ${error.message}` };
    throw error;
  }
}

function parseOne(reader: ConfigReader): ConnectorSettings {
  const id = reader.string('id', 40);
  if (!CONNECTOR_ID.test(id)) {
    throw new ConnectorConfigError(`${reader.prefix}.id`, 'must be 1 to 40 of a-z 0-9 _ - (lower case)');
  }
  const typeName = reader.string('type', 40);
  const type = findConnectorType(typeName);
  if (type === undefined) {
    throw new ConnectorConfigError(
      `${reader.prefix}.type`,
      `must be one of ${CONNECTOR_TYPES.map((t) => t.type).join(', ')}`,
    );
  }
  const claims = reader.stringMap('claims');
  for (const claim of Object.keys(claims)) {
    if (!isMappableClaim(claim)) {
      throw new ConnectorConfigError(
        `${reader.prefix}.claims.${claim}`,
        'is not a profile claim Latchkey keeps',
      );
    }
  }
  const groups = reader.object('groups');
  const domains = reader.strings('allowedEmailDomains');
  for (const domain of domains) {
    if (!DOMAIN.test(domain)) {
      throw new ConnectorConfigError(
        `${reader.prefix}.allowedEmailDomains`,
        `has ${domain}, not a domain name`,
      );
    }
  }
  const settings: ConnectorSettings = {
    id,
    type: type.type,
    displayName: reader.string('displayName', 60),
    logoUrl: reader.optionalUrl('logoUrl'),
    jit: reader.oneOf('jit', JIT_MODES, 'link-only'),
    claims,
    groups: { claim: groups.optionalString('claim', 100), map: groups.stringMap('map') },
    allowedEmailDomains: domains.map((d) => d.toLowerCase()),
  };
  groups.rejectUnread();
  const config = type.parse(reader, settings);
  reader.rejectUnread();
  return config;
}
