import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { closest } from '@latchkey/config-schema';
import type { TSchema } from 'typebox/type';
import { developmentIssuer } from './development-issuer.js';
import { ConfigError } from './errors.js';
import { CONFIG_FIELDS, type ConfigField } from './fields.js';
import { ProviderConfigSchema } from './schema.js';
import type { ProviderConfig, ProviderConfigOverrides } from './types.js';

export interface LoadConfigOptions {
  /** A YAML or JSON file (JSON is YAML). */
  readonly file?: string;
  /** Defaults to process.env. */
  readonly env?: NodeJS.ProcessEnv;
  /** Highest precedence: command-line flags. */
  readonly overrides?: ProviderConfigOverrides;
}

interface Candidate {
  readonly raw: unknown;
  /** The key as the operator wrote it, for the error message. */
  readonly key: string;
  /** Where it was written, after the key: ` (in latchkey.yaml)`, or nothing. */
  readonly label?: string;
}

/**
 * Builds the one typed config object. Precedence, lowest to highest: defaults, the file,
 * the environment (`LATCHKEY_*`, `DATABASE_URL`), overrides. Any bad value fails with a ConfigError
 * whose message names the key as written in its source (DESIGN rule 10).
 */
export function loadConfig(options: LoadConfigOptions = {}): ProviderConfig {
  const env = options.env ?? process.env;
  const file = options.file === undefined ? undefined : readConfigFile(options.file);
  const fileLabel = options.file === undefined ? '' : ` (in ${basename(options.file)})`;
  if (file) rejectUnknownKeys(file, fileLabel);

  const config: Record<string, unknown> = {};
  for (const field of CONFIG_FIELDS) {
    const candidate =
      fromObject(options.overrides, field.path) ??
      fromEnv(env, field) ??
      fromObject(file, field.path, fileLabel) ??
      (field.default === undefined ? undefined : { raw: field.default, key: field.path });
    if (candidate === undefined) continue;
    setPath(config, field.path, parseField(field, candidate));
  }
  config['databaseUrl'] ??= `sqlite:${String(config['dataDir'])}/latchkey.db`;
  // No issuer configured: the development issuer names the port the provider listens on, so
  // `--port 18700` publishes http://localhost:18700 (startProvider fills in the port `0` picks).
  config['issuerFollowsPort'] = config['issuer'] === undefined;
  config['issuer'] ??= developmentIssuer(config['port'] as number);
  const tokens = config['tokens'] as Record<string, unknown>;
  tokens['accessTokenAlg'] ??= (config['keys'] as ProviderConfig['keys']).algorithms.includes('ES256')
    ? 'ES256'
    : 'RS256';
  const result = config as unknown as ProviderConfig;
  checkConfigRelations(result);
  return result;
}

/**
 * The rules between keys (a lifetime within keys.maxTokenLifetime, self-registration needing email…),
 * throwing a ConfigError naming the key. Also run on a configuration with runtime overrides applied
 * (settings/), so a value changed at run time obeys the same rules as one configured.
 */
export function checkConfigRelations(config: ProviderConfig): void {
  checkSchedule(config);
  checkTokenSettings(config);
  checkEmail(config);
  checkHttpBounds(config);
}

function parseField(field: ConfigField, candidate: Candidate): unknown {
  const checked = field.check(candidate.raw);
  if (checked.ok) return checked.value;
  throw new ConfigError(`${candidate.key}${checked.at}${candidate.label ?? ''}`, checked.problem);
}

/** Relations between keys: the rotation schedule only keeps its promises when these hold. */
function checkSchedule(config: ProviderConfig): void {
  const { rotationInterval, jwksMaxAge, reloadInterval } = config.keys;
  // A `next` key must be published for jwksMaxAge (plus one reload, so every instance serves it)
  // before it signs, and it is created when the previous rotation happens.
  if (rotationInterval <= jwksMaxAge + reloadInterval) {
    throw new ConfigError(
      'keys.rotationInterval',
      `${rotationInterval}s must be longer than keys.jwksMaxAge + keys.reloadInterval (${jwksMaxAge + reloadInterval}s)`,
    );
  }
  if (reloadInterval > 300) {
    throw new ConfigError('keys.reloadInterval', `${reloadInterval}s is longer than the 300s maximum`);
  }
}

/**
 * Node refuses a header time longer than the whole request's; the idle time must leave keep-alive its
 * time; a form body cannot exceed any body.
 */
function checkHttpBounds(config: ProviderConfig): void {
  const { headersTimeout, requestTimeout, keepAliveTimeout, idleTimeout, pageBodyLimit } = config.http;
  // The idle timer also runs between requests: shorter, it would end kept-alive connections early.
  if (idleTimeout < keepAliveTimeout) {
    throw new ConfigError(
      'http.idleTimeout',
      `${idleTimeout}s is shorter than http.keepAliveTimeout (${keepAliveTimeout}s)`,
    );
  }
  if (headersTimeout > requestTimeout) {
    throw new ConfigError(
      'http.headersTimeout',
      `${headersTimeout}s is longer than http.requestTimeout (${requestTimeout}s)`,
    );
  }
  if (pageBodyLimit > config.bodyLimit) {
    throw new ConfigError(
      'http.pageBodyLimit',
      `${pageBodyLimit} is larger than bodyLimit (${config.bodyLimit})`,
    );
  }
}

/**
 * A retired key leaves the JWKS keys.maxTokenLifetime after it stops signing: a token living longer
 * would outlive its key. Access tokens are signed by a configured algorithm's key.
 */
function checkTokenSettings(config: ProviderConfig): void {
  const { maxTokenLifetime, algorithms } = config.keys;
  const lifetimes = [
    ['tokens.accessTokenLifetime', config.tokens.accessTokenLifetime],
    ['tokens.idTokenLifetime', config.tokens.idTokenLifetime],
    ['authorization.codeLifetime', config.authorization.codeLifetime],
  ] as const;
  for (const [key, lifetime] of lifetimes) {
    if (lifetime > maxTokenLifetime) {
      throw new ConfigError(key, `${lifetime}s is longer than keys.maxTokenLifetime (${maxTokenLifetime}s)`);
    }
  }
  if (!algorithms.includes(config.tokens.accessTokenAlg)) {
    throw new ConfigError(
      'tokens.accessTokenAlg',
      `${config.tokens.accessTokenAlg} is not one of keys.algorithms (${algorithms.join(', ')})`,
    );
  }
}

/** Email is all or nothing: a partial section would fail at the first message, so it fails at start. */
function checkEmail(config: ProviderConfig): void {
  const email = config.email as Partial<ProviderConfig['email']> | undefined;
  if (email !== undefined) {
    if (email.smtp?.host === undefined)
      throw new ConfigError('email.smtp.host', 'is required when email.* is set');
    if (email.from === undefined) throw new ConfigError('email.from', 'is required when email.* is set');
    if ((email.smtp.username === undefined) !== (email.smtp.password === undefined)) {
      throw new ConfigError('email.smtp.password', 'email.smtp.username and email.smtp.password go together');
    }
  }
  if (config.selfRegistration.enabled && email === undefined) {
    throw new ConfigError(
      'selfRegistration.enabled',
      'needs email.* configured: new accounts verify their address',
    );
  }
}

function fromEnv(env: NodeJS.ProcessEnv, field: ConfigField): Candidate | undefined {
  for (const name of field.env) {
    const raw = env[name];
    if (raw !== undefined && raw !== '') return { raw, key: name };
  }
  return undefined;
}

function fromObject(source: unknown, path: string, label = ''): Candidate | undefined {
  let node: unknown = source;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object' || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node === undefined ? undefined : { raw: node, key: path, label };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError('--config', `cannot read ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = parseYaml(text);
  } catch (error) {
    throw new ConfigError('--config', `${path} is not valid YAML or JSON: ${(error as Error).message}`);
  }
  if (data === null || data === undefined) return {};
  if (typeof data !== 'object' || Array.isArray(data))
    throw new ConfigError('--config', `${path} must hold a mapping`);
  return data as Record<string, unknown>;
}

/**
 * The YAML parser is loaded only when a config file is given (most deployments configure through the
 * environment): it is ~9 MB resident that an idle provider would otherwise carry. Synchronous, as
 * loadConfig is; the package ships CommonJS.
 */
function parseYaml(text: string): unknown {
  const yaml = createRequire(import.meta.url)('yaml') as typeof import('yaml');
  return yaml.parse(text, { maxAliasCount: 10 });
}

/** A misspelt key would otherwise be silently ignored and its default used: refused, with a guess. */
function rejectUnknownKeys(file: Record<string, unknown>, label: string): void {
  const visit = (node: Record<string, unknown>, schema: TSchema, prefix: string): void => {
    const properties =
      (schema as { properties?: Record<string, TSchema & { env?: unknown }> }).properties ?? {};
    for (const [name, value] of Object.entries(node)) {
      const path = prefix + name;
      const known = properties[name];
      if (known === undefined) {
        const guess = closest(name, Object.keys(properties));
        const hint = guess === undefined ? '' : ` (did you mean ${prefix}${guess}?)`;
        throw new ConfigError(`${path}${label}`, `is not a configuration key${hint}`);
      }
      // A group's keys are checked here; a setting's own structure (a policy, a rule) by its schema.
      if (known.env !== undefined) continue;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) {
        throw new ConfigError(`${path}${label}`, `${JSON.stringify(value)} must be a mapping of settings`);
      }
      visit(value as Record<string, unknown>, known, `${path}.`);
    }
  };
  visit(file, ProviderConfigSchema, '');
}
