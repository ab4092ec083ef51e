import { accessSync, constants, readFileSync } from 'node:fs';
import type { Client, Entry } from 'ldapts';
import { loadOnce } from '../lib/load-once.js';
import { ConnectorConfigError } from './config-reader.js';
import {
  type ConnectorSettings,
  ConnectorUnavailableError,
  type PasswordConnector,
  type UpstreamProfile,
} from './connector.js';
import type { ConnectorType } from './connector-type.js';
import { codeFact, secretFact } from './facts.js';

/** ldapts (~10 MB resident) loads with the first sign-in through a directory, not with every provider. */
const ldapts = loadOnce(() => import('ldapts'));

export interface LdapConnectorConfig extends ConnectorSettings {
  readonly type: 'ldap';
  /** `ldaps://host:636` (TLS from the start) or `ldap://host:389` (with startTls). */
  readonly url: string;
  /** Upgrade an ldap:// connection with StartTLS (RFC 4511 §4.14) before any bind. */
  readonly startTls: boolean;
  /** PEM file of the CA that signed the directory's certificate (default: the system's). */
  readonly caFile: string | undefined;
  /** The service account that searches for the person. */
  readonly bindDn: string;
  readonly bindPassword: string;
  readonly userBase: string;
  /** Which entries are people who may sign in; exclude disabled accounts here. */
  readonly userFilter: string;
  readonly usernameAttribute: string;
  /** The stable subject: `entryUUID` (OpenLDAP), or `dn`. */
  readonly subjectAttribute: string;
  readonly emailAttribute: string;
  /** Group names: from the person's `memberOf`, or by searching groups whose member is the person. */
  readonly groupSearch:
    | { readonly mode: 'memberOf' }
    | {
        readonly mode: 'search';
        readonly base: string;
        readonly filter: string;
        readonly nameAttribute: string;
      };
}

const TIMEOUT_MS = 5_000;

/**
 * An LDAP directory (ldapts): bind as the service account, search the person with an RFC 4515-escaped
 * filter, read their groups, then bind as the person to check the password (RFC 4513 §5.1.3). Never an
 * anonymous or unauthenticated bind: an empty password is refused before any connection is made
 * (RFC 4513 §5.1.2, X3). Addresses in the directory are managed by its administrators and count as
 * verified. A directory that cannot be reached is ConnectorUnavailableError: an error page, never a
 * sign-in.
 */
export const ldapConnectorType: ConnectorType<LdapConnectorConfig> = {
  type: 'ldap',
  parse(reader, settings) {
    const url = reader.string('url', 500);
    if (!/^ldaps?:\/\/[^/?#\s]+\/?$/.test(url)) {
      throw new ConnectorConfigError(
        `${reader.prefix}.url`,
        'must be ldap://host[:port] or ldaps://host[:port]',
      );
    }
    const startTls = reader.boolean('startTls', false);
    if (startTls && url.startsWith('ldaps:')) {
      throw new ConnectorConfigError(
        `${reader.prefix}.startTls`,
        'is for ldap:// URLs; ldaps:// is TLS already',
      );
    }
    const groups = reader.oneOf('groupSearch', ['memberOf', 'search'], 'memberOf');
    return {
      ...settings,
      type: 'ldap',
      url,
      startTls,
      caFile: readableFile(reader.optionalString('caFile', 1000), `${reader.prefix}.caFile`),
      bindDn: reader.string('bindDn', 1000),
      bindPassword: reader.string('bindPassword', 1000),
      userBase: reader.string('userBase', 1000),
      userFilter: reader.optionalString('userFilter', 1000) ?? '(objectClass=person)',
      usernameAttribute: reader.optionalString('usernameAttribute', 100) ?? 'uid',
      subjectAttribute: reader.optionalString('subjectAttribute', 100) ?? 'entryUUID',
      emailAttribute: reader.optionalString('emailAttribute', 100) ?? 'mail',
      groupSearch:
        groups === 'memberOf'
          ? { mode: 'memberOf' }
          : {
              mode: 'search',
              base: reader.string('groupBase', 1000),
              filter: reader.optionalString('groupFilter', 1000) ?? '(objectClass=groupOfNames)',
              nameAttribute: reader.optionalString('groupNameAttribute', 100) ?? 'cn',
            },
    };
  },
  describe(config) {
    const groups = config.groupSearch;
    return [
      codeFact('LDAP URL', config.url),
      { label: 'StartTLS', value: config.startTls ? 'yes' : 'no' },
      codeFact('CA file', config.caFile),
      codeFact('Bind DN', config.bindDn),
      secretFact('Bind password', config.bindPassword),
      codeFact('User base', config.userBase),
      codeFact('User filter', config.userFilter),
      codeFact('Username attribute', config.usernameAttribute),
      codeFact('Subject attribute', config.subjectAttribute),
      codeFact('Email attribute', config.emailAttribute),
      groups.mode === 'memberOf'
        ? codeFact('Groups', 'memberOf')
        : codeFact('Group search', `${groups.filter} under ${groups.base} (name: ${groups.nameAttribute})`),
    ];
  },
  create(config) {
    const ca = config.caFile === undefined ? undefined : readFileSync(config.caFile);
    const tlsOptions = { ...(ca === undefined ? {} : { ca }), minVersion: 'TLSv1.2' as const };
    const urlHost = new URL(config.url).hostname.replace(/^\[|\]$/g, '');
    const attributes = [
      config.usernameAttribute,
      config.subjectAttribute,
      config.emailAttribute,
      'memberOf',
      ...Object.values(config.claims),
    ];
    const connector: PasswordConnector = {
      kind: 'password',
      settings: config,
      async verify(username, password) {
        // X3: an empty password would be an unauthenticated bind, which some servers accept as success.
        if (username === '' || password === '') return undefined;
        const { Client, escapeFilter, InvalidCredentialsError } = await ldapts();
        const client = new Client({
          url: config.url,
          timeout: TIMEOUT_MS,
          connectTimeout: TIMEOUT_MS,
          ...(config.url.startsWith('ldaps:') ? { tlsOptions } : {}),
        });
        try {
          // The certificate is checked against the URL's host (Node checks `host` when no SNI name is set).
          if (config.startTls)
            await unavailableOnError(() => client.startTLS({ ...tlsOptions, host: urlHost }));
          await unavailableOnError(() => client.bind(config.bindDn, config.bindPassword));
          // RFC 4515 §3: every value put in a filter is escaped (`*`, `(`, `)`, `\`, NUL).
          const filter = `(&${config.userFilter}${escapeFilter`(${config.usernameAttribute}=${username})`})`;
          const { searchEntries } = await unavailableOnError(() =>
            client.search(config.userBase, { scope: 'sub', filter, attributes, sizeLimit: 2 }),
          );
          const [entry] = searchEntries;
          if (entry === undefined || searchEntries.length !== 1) return undefined;
          const groups =
            config.groupSearch.mode === 'memberOf'
              ? values(entry, 'memberOf').map(firstRdnValue)
              : await searchGroups(client, escapeFilter, config.groupSearch, entry.dn);
          try {
            await client.bind(entry.dn, password);
          } catch (error) {
            if (error instanceof InvalidCredentialsError) return undefined;
            throw new ConnectorUnavailableError('the directory refused the bind', { cause: error });
          }
          return profileOf(config, entry, groups);
        } finally {
          await client.unbind().catch(() => {});
        }
      },
      async close() {},
    };
    return connector;
  },
};

/** The CA file must be there at start, not found missing at the first sign-in. */
function readableFile(path: string | undefined, key: string): string | undefined {
  if (path === undefined) return undefined;
  try {
    accessSync(path, constants.R_OK);
  } catch {
    throw new ConnectorConfigError(key, `names ${path}, which cannot be read`);
  }
  return path;
}

function profileOf(config: LdapConnectorConfig, entry: Entry, groups: string[]): UpstreamProfile {
  const subject = config.subjectAttribute === 'dn' ? entry.dn : values(entry, config.subjectAttribute)[0];
  if (subject === undefined || subject === '') {
    throw new ConnectorUnavailableError(`the directory entry has no ${config.subjectAttribute}`);
  }
  const claims: Record<string, unknown> = {};
  for (const attribute of Object.values(config.claims)) {
    const [first] = values(entry, attribute);
    if (first !== undefined) claims[attribute] = first;
  }
  const [username] = values(entry, config.usernameAttribute);
  return {
    key: { connectorId: config.id, issuer: config.url, subject },
    verifiedEmail: values(entry, config.emailAttribute)[0],
    claims: { ...claims, preferred_username: username },
    groups,
    amr: ['pwd'],
    acr: undefined,
  };
}

async function searchGroups(
  client: Client,
  escapeFilter: typeof import('ldapts').escapeFilter,
  search: Extract<LdapConnectorConfig['groupSearch'], { mode: 'search' }>,
  dn: string,
): Promise<string[]> {
  const filter = `(&${search.filter}${escapeFilter`(member=${dn})`})`;
  const { searchEntries } = await unavailableOnError(() =>
    client.search(search.base, { scope: 'sub', filter, attributes: [search.nameAttribute], sizeLimit: 500 }),
  );
  return searchEntries.flatMap((g) => values(g, search.nameAttribute).slice(0, 1));
}

/** An attribute's values as strings (ldapts gives a string, a list, or Buffers). */
function values(entry: Entry, attribute: string): string[] {
  const key = Object.keys(entry).find((k) => k.toLowerCase() === attribute.toLowerCase());
  const value = key === undefined ? undefined : entry[key];
  const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v))).filter((v) => v !== '');
}

/** `cn=engineers,ou=groups,…` → `engineers`. */
function firstRdnValue(dn: string): string {
  const match = /^[^=]+=((?:\\.|[^,\\])*)/.exec(dn);
  return match?.[1]?.replace(/\\(.)/g, '$1') ?? dn;
}

async function unavailableOnError<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw new ConnectorUnavailableError('the directory cannot be used', { cause: error });
  }
}
