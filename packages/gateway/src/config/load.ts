import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { basename } from 'node:path';
import { parseDuration, userAuthenticationRequirement } from '@latchkey/oidc';
import { parse as parseYaml } from 'yaml';
import { parsePolicy } from '../policy/expression.js';
import { normalizePath } from '../policy/normalize-path.js';
import { GatewayConfigError } from './errors.js';
import type {
  GatewayConfig,
  IdentityHeaderNames,
  ProviderConfig,
  RouteConfig,
  ServerLimits,
  UpstreamConfig,
} from './types.js';

export interface LoadGatewayConfigOptions {
  /** A YAML or JSON file. */
  readonly file?: string;
  /** The configuration as an object (instead of, or under, the file). */
  readonly raw?: Record<string, unknown>;
  /** Default process.env; `LATCHKEY_GATEWAY_*` override the file (see ENV_KEYS). */
  readonly env?: NodeJS.ProcessEnv;
}

/** Scalar keys that environment variables set; provider secrets use LATCHKEY_GATEWAY_PROVIDER_<ID>_CLIENT_SECRET. */
export const ENV_KEYS: Readonly<Record<string, string>> = {
  LATCHKEY_GATEWAY_LISTEN_HOST: 'listen.host',
  LATCHKEY_GATEWAY_LISTEN_PORT: 'listen.port',
  LATCHKEY_GATEWAY_PUBLIC_URL: 'publicUrl',
  LATCHKEY_GATEWAY_DATABASE_URL: 'databaseUrl',
  LATCHKEY_GATEWAY_COOKIE_SECRET: 'cookie.secret',
  LATCHKEY_GATEWAY_COOKIE_NAME: 'cookie.name',
  LATCHKEY_GATEWAY_COOKIE_MAX_AGE: 'cookie.maxAge',
  LATCHKEY_GATEWAY_TRUSTED_PROXIES: 'trustedProxies',
  LATCHKEY_GATEWAY_FORWARD_ACCESS_TOKEN: 'forwardAccessToken',
};

const TOP_KEYS = new Set([
  'listen',
  'publicUrl',
  'databaseUrl',
  'cookie',
  'providers',
  'upstreams',
  'routes',
  'trustedProxies',
  'identityHeaders',
  'forwardAccessToken',
  'allowedRedirectOrigins',
  'caseSensitivePaths',
  'refreshBefore',
  'endpointPrefix',
  'forwardAuthRedirect',
  'upstreamJwt',
  'session',
  'upstreamCookies',
  'limits',
]);
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const MIN_SECRET_BYTES = 32;

/**
 * Builds the one typed config: the file (YAML or JSON), then `LATCHKEY_GATEWAY_*` variables over it.
 * Every value is checked now; the first bad one fails with a GatewayConfigError naming its key as
 * written (`routes[1].policy (in gateway.yaml)`, `LATCHKEY_GATEWAY_COOKIE_SECRET`). Secrets are never echoed.
 */
export function loadGatewayConfig(options: LoadGatewayConfigOptions = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const label = options.file === undefined ? '' : ` (in ${basename(options.file)})`;
  const raw: Record<string, unknown> = structuredClone(options.raw ?? {});
  if (options.file !== undefined) Object.assign(raw, readConfigFile(options.file));
  const origin = new Map<string, string>();
  const keyName = (path: string) => origin.get(path) ?? `${path}${label}`;
  for (const key of Object.keys(raw)) {
    if (!TOP_KEYS.has(key))
      throw new GatewayConfigError(`${key}${label}`, 'is not a gateway configuration key');
  }
  for (const [variable, path] of Object.entries(ENV_KEYS)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    setPath(raw, path, path === 'trustedProxies' ? value.split(',').map((s) => s.trim()) : value);
    origin.set(path, variable);
  }
  const r = new Reader(raw, keyName);
  r.only('session', ['store']);
  const sessionStore = r.oneOf('session.store', ['server', 'cookie'], 'server');

  const publicUrl = r.url('publicUrl');
  const https = publicUrl.protocol === 'https:';
  if (!https && !['localhost', '127.0.0.1', '[::1]'].includes(publicUrl.hostname)) {
    throw new GatewayConfigError(keyName('publicUrl'), 'must be https (http only on localhost)');
  }
  if (publicUrl.pathname !== '/' || publicUrl.search !== '') {
    throw new GatewayConfigError(keyName('publicUrl'), 'must be an origin without a path or query');
  }
  const cookieName = r.string('cookie.name', 'latchkey');
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(cookieName)) {
    throw new GatewayConfigError(keyName('cookie.name'), 'must be letters, digits, _ or -');
  }
  const providers = r.list('providers', true).map((_, i) => readProvider(r, `providers[${i}]`, env));
  uniqueIds(providers, 'providers', keyName);
  const upstreams = r.list('upstreams', false).map((_, i) => readUpstream(r, `upstreams[${i}]`));
  uniqueIds(upstreams, 'upstreams', keyName);
  const caseSensitivePaths = r.boolean('caseSensitivePaths', false);
  const routes = r
    .list('routes', true)
    .map((_, i) => readRoute(r, `routes[${i}]`, { providers, upstreams, publicUrl, caseSensitivePaths }));
  const endpointPrefix = r.string('endpointPrefix', '/_latchkey');
  if (!/^\/[A-Za-z0-9_-]+$/.test(endpointPrefix)) {
    throw new GatewayConfigError(keyName('endpointPrefix'), 'must be one path segment like /_latchkey');
  }

  return {
    listen: { host: r.string('listen.host', '127.0.0.1'), port: r.port('listen.port', 4180) },
    publicUrl,
    databaseUrl: r.string('databaseUrl', 'sqlite:./latchkey-gateway.db', true),
    sessionStore,
    cookie: {
      secret: r.secret('cookie.secret'),
      name: https ? `__Host-${cookieName}` : cookieName,
      // Nothing can end a cookie-only session early (no back-channel logout): a short default.
      maxAge: r.duration('cookie.maxAge', sessionStore === 'cookie' ? '1h' : '12h'),
    },
    providers,
    upstreams,
    routes,
    trustedProxies: r.proxies('trustedProxies'),
    identityHeaders: readHeaders(r),
    forwardAccessToken: r.boolean('forwardAccessToken', false),
    allowedRedirectOrigins: r.strings('allowedRedirectOrigins', []).map((value, i) => {
      if (!URL.canParse(value) || new URL(value).origin !== value) {
        throw new GatewayConfigError(
          keyName(`allowedRedirectOrigins[${i}]`),
          'must be an origin like https://app.example',
        );
      }
      return value;
    }),
    caseSensitivePaths,
    refreshBefore: r.duration('refreshBefore', '60s'),
    endpointPrefix,
    forwardAuthRedirect: r.boolean('forwardAuthRedirect', false),
    upstreamJwt: readUpstreamJwt(r),
    upstreamCookies: readUpstreamCookies(r),
    limits: readLimits(r),
  };
}

function readUpstreamCookies(r: Reader): GatewayConfig['upstreamCookies'] {
  r.only('upstreamCookies', ['strip', 'pass']);
  const names = (key: string) => {
    const list = r.strings(`upstreamCookies.${key}`, []);
    for (const [i, name] of list.entries()) {
      if (!HEADER_NAME.test(name)) throw r.error(`upstreamCookies.${key}[${i}]`, 'must be a cookie name');
    }
    return list;
  };
  return { strip: names('strip'), pass: names('pass') };
}

/** Checklist L2 (slowloris and connection floods): every bound has a safe default. */
function readLimits(r: Reader): ServerLimits {
  r.only('limits', [
    'headersTimeout',
    'requestTimeout',
    'keepAliveTimeout',
    'maxHeaderSize',
    'maxBodySize',
    'connectionsPerAddress',
  ]);
  const limits: ServerLimits = {
    headersTimeout: r.duration('limits.headersTimeout', '10s'),
    requestTimeout: r.duration('limits.requestTimeout', '60s'),
    // Above the 60 s idle timeout of common load balancers, so the gateway never closes a connection
    // the balancer is about to reuse.
    keepAliveTimeout: r.duration('limits.keepAliveTimeout', '65s'),
    maxHeaderSize: r.integer('limits.maxHeaderSize', 16 * 1024, 1024, 1024 * 1024),
    maxBodySize: r.integer('limits.maxBodySize', 10 * 1024 * 1024, 0, Number.MAX_SAFE_INTEGER),
    connectionsPerAddress: r.integer('limits.connectionsPerAddress', 100, 1, 1_000_000),
  };
  // node:http refuses a header timeout longer than the request timeout.
  if (limits.headersTimeout > limits.requestTimeout)
    throw r.error('limits.headersTimeout', 'must not be longer than limits.requestTimeout');
  return limits;
}

function readConfigFile(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new GatewayConfigError(
      file,
      `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(text);
  } catch (error) {
    throw new GatewayConfigError(
      file,
      `is not valid YAML or JSON: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new GatewayConfigError(file, 'must hold a mapping of configuration keys');
  }
  return parsed as Record<string, unknown>;
}

function readProvider(r: Reader, at: string, env: NodeJS.ProcessEnv): ProviderConfig {
  r.only(at, ['id', 'issuer', 'clientId', 'clientSecret', 'scopes', 'groupsClaim']);
  const id = r.id(`${at}.id`);
  const secretVariable = `LATCHKEY_GATEWAY_PROVIDER_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CLIENT_SECRET`;
  const fromEnv = env[secretVariable];
  const issuer = r.url(`${at}.issuer`);
  if (issuer.protocol !== 'https:' && !['localhost', '127.0.0.1', '[::1]'].includes(issuer.hostname)) {
    throw r.error(`${at}.issuer`, 'must be https (http only on a loopback host)');
  }
  return {
    id,
    issuer: r.string(`${at}.issuer`),
    clientId: r.string(`${at}.clientId`),
    clientSecret:
      fromEnv !== undefined && fromEnv !== '' ? fromEnv : r.optionalString(`${at}.clientSecret`, true),
    scopes: r.strings(`${at}.scopes`, ['openid', 'profile', 'email']),
    groupsClaim: r.string(`${at}.groupsClaim`, 'groups'),
  };
}

function readUpstream(r: Reader, at: string): UpstreamConfig {
  r.only(at, ['id', 'url', 'timeout', 'connectTimeout', 'token', 'audience']);
  const url = r.url(`${at}.url`);
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw r.error(`${at}.url`, 'must be http or https');
  if (url.pathname !== '/' || url.search !== '')
    throw r.error(`${at}.url`, 'must be an origin without a path');
  return {
    id: r.id(`${at}.id`),
    url,
    timeout: r.duration(`${at}.timeout`, '30s'),
    connectTimeout: r.duration(`${at}.connectTimeout`, '5s'),
    token: r.oneOf(`${at}.token`, ['none', 'jwt'], 'none'),
    audience: r.string(`${at}.audience`, url.origin),
  };
}

interface RouteContext {
  readonly providers: readonly ProviderConfig[];
  readonly upstreams: readonly UpstreamConfig[];
  readonly publicUrl: URL;
  readonly caseSensitivePaths: boolean;
}

function readRoute(r: Reader, at: string, ctx: RouteContext): RouteConfig {
  r.only(at, [
    'host',
    'path',
    'upstream',
    'policy',
    'providers',
    'mode',
    'audience',
    'cache',
    'acr',
    'maxAge',
  ]);
  const hostText = r.optionalString(`${at}.host`);
  const host = hostText?.toLowerCase();
  if (
    host !== undefined &&
    !/^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/.test(host)
  ) {
    throw r.error(`${at}.host`, 'must be a host name, or *.domain');
  }
  const pathText = r.string(`${at}.path`, '/');
  const normalized = normalizePath(pathText, ctx.caseSensitivePaths);
  if (!normalized.ok || normalized.query !== '' || /[;%]/.test(pathText)) {
    throw r.error(`${at}.path`, 'must be a path without query, percent-escapes or ; parameters');
  }
  const withoutSlash = (p: string) => (p.length > 1 ? p.replace(/\/$/, '') : p);
  const path = withoutSlash(normalized.matchPath);
  const literalPath = withoutSlash(normalized.path);
  const upstream = r.optionalString(`${at}.upstream`);
  if (upstream !== undefined && !ctx.upstreams.some((u) => u.id === upstream)) {
    throw r.error(
      `${at}.upstream`,
      `names no upstream (known: ${ctx.upstreams.map((u) => u.id).join(', ') || 'none'})`,
    );
  }
  const policy = parsePolicy(r.value(`${at}.policy`));
  if (!policy.ok) throw r.error(`${at}.policy`, policy.problem);
  const providers = r.strings(
    `${at}.providers`,
    ctx.providers.map((p) => p.id),
  );
  for (const id of providers) {
    if (!ctx.providers.some((p) => p.id === id))
      throw r.error(`${at}.providers`, `names no provider ${JSON.stringify(id)}`);
  }
  const mode = r.oneOf(`${at}.mode`, ['browser', 'api', 'both'], 'both');
  // RFC 9728 §1.2: the resource identifier is the URL clients use; the route's host when it names one.
  const base = host === undefined || host.startsWith('*.') ? ctx.publicUrl.origin : `https://${host}`;
  const resource = `${base}${path === '/' ? '' : path}`;
  return {
    host,
    path,
    literalPath,
    upstream,
    policy: policy.value,
    providers,
    mode,
    audience: r.string(`${at}.audience`, resource),
    resource,
    cache: r.oneOf(`${at}.cache`, ['no-store', 'upstream'], 'no-store'),
    userAuthentication: readUserAuthentication(r, at),
  };
}

/** `acr` (a value or a list) and `maxAge` (a duration) of a route; the oidc check names what is wrong. */
function readUserAuthentication(r: Reader, at: string): RouteConfig['userAuthentication'] {
  const acr = r.value(`${at}.acr`);
  const maxAge = r.value(`${at}.maxAge`) === undefined ? undefined : r.duration(`${at}.maxAge`, '0s');
  try {
    return userAuthenticationRequirement(acr, maxAge);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw r.error(`${at}.acr`, 'must be an acr value or a list of them (no spaces or quotes)');
  }
}

function readHeaders(r: Reader): IdentityHeaderNames {
  r.only('identityHeaders', ['user', 'email', 'groups', 'accessToken', 'jwt']);
  const header = (name: string, fallback: string) => {
    const value = r.string(`identityHeaders.${name}`, fallback);
    if (!HEADER_NAME.test(value)) throw r.error(`identityHeaders.${name}`, 'must be a header name');
    return value.toLowerCase();
  };
  return {
    user: header('user', 'X-Auth-Request-User'),
    email: header('email', 'X-Auth-Request-Email'),
    groups: header('groups', 'X-Auth-Request-Groups'),
    accessToken: header('accessToken', 'X-Auth-Request-Access-Token'),
    jwt: header('jwt', 'X-Auth-Request-Jwt'),
  };
}

function readUpstreamJwt(r: Reader): GatewayConfig['upstreamJwt'] {
  r.only('upstreamJwt', ['lifetime', 'keyFile']);
  const lifetime = r.duration('upstreamJwt.lifetime', '60s');
  // A longer-lived token is a bearer credential an upstream log could leak for longer.
  if (lifetime < 1 || lifetime > 600) throw r.error('upstreamJwt.lifetime', 'must be between 1s and 10m');
  const keyFile = r.optionalString('upstreamJwt.keyFile');
  let key: KeyObject | undefined;
  if (keyFile !== undefined) {
    try {
      key = createPrivateKey(readFileSync(keyFile, 'utf8'));
    } catch {
      throw r.error('upstreamJwt.keyFile', 'cannot be read as a PEM private key');
    }
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw r.error('upstreamJwt.keyFile', 'must hold an EC P-256 private key (ES256)');
    }
  }
  return { lifetime, key };
}

function uniqueIds(items: readonly { id: string }[], key: string, keyName: (p: string) => string): void {
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    if (seen.has(item.id))
      throw new GatewayConfigError(keyName(`${key}[${i}].id`), `repeats the id ${item.id}`);
    seen.add(item.id);
  }
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (typeof next !== 'object' || next === null) node[part] = {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

/** Typed reads of dotted paths (`routes[1].policy`) with errors naming the key. */
class Reader {
  constructor(
    readonly raw: Record<string, unknown>,
    readonly keyName: (path: string) => string,
  ) {}

  error(path: string, problem: string): GatewayConfigError {
    return new GatewayConfigError(this.keyName(path), problem);
  }

  value(path: string): unknown {
    let node: unknown = this.raw;
    for (const part of path.split(/\.|\[|\]\.?/).filter(Boolean)) {
      if (typeof node !== 'object' || node === null) return undefined;
      node = (node as Record<string, unknown>)[part];
    }
    return node;
  }

  only(path: string, keys: readonly string[]): void {
    const value = this.value(path);
    if (value === undefined) return;
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      throw this.error(path, 'must be a mapping');
    for (const key of Object.keys(value)) {
      if (!keys.includes(key)) throw this.error(`${path}.${key}`, 'is not a known key');
    }
  }

  list(path: string, required: boolean): unknown[] {
    const value = this.value(path);
    if (value === undefined && !required) return [];
    if (!Array.isArray(value) || (required && value.length === 0))
      throw this.error(path, 'must be a non-empty list');
    return value;
  }

  optionalString(path: string, sensitive = false): string | undefined {
    const value = this.value(path);
    if (value === undefined) return undefined;
    if (typeof value !== 'string' || value === '') {
      throw this.error(path, `${sensitive ? 'the value' : JSON.stringify(value)} must be a non-empty string`);
    }
    return value;
  }

  string(path: string, fallback?: string, sensitive = false): string {
    const value = this.optionalString(path, sensitive) ?? fallback;
    if (value === undefined) throw this.error(path, 'is required');
    return value;
  }

  strings(path: string, fallback: readonly string[]): string[] {
    const value = this.value(path);
    if (value === undefined) return [...fallback];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || v === '')) {
      throw this.error(path, 'must be a list of non-empty strings');
    }
    return value as string[];
  }

  id(path: string): string {
    const value = this.string(path);
    if (!ID.test(value)) throw this.error(path, 'must be lower-case letters, digits, _ or - (up to 40)');
    return value;
  }

  url(path: string): URL {
    const value = this.string(path);
    if (!URL.canParse(value)) throw this.error(path, `${JSON.stringify(value)} is not an absolute URL`);
    return new URL(value);
  }

  oneOf<T extends string>(path: string, choices: readonly T[], fallback: T): T {
    const value = this.string(path, fallback);
    if (!(choices as readonly string[]).includes(value))
      throw this.error(path, `must be ${choices.slice(0, -1).join(', ')} or ${choices.at(-1)}`);
    return value as T;
  }

  port(path: string, fallback: number): number {
    const value = this.value(path) ?? fallback;
    const port = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65_535) {
      throw this.error(path, `${JSON.stringify(value)} must be a port number (0-65535)`);
    }
    return port;
  }

  integer(path: string, fallback: number, min: number, max: number): number {
    const value = this.value(path) ?? fallback;
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < min || number > max) {
      throw this.error(path, `${JSON.stringify(value)} must be a whole number from ${min} to ${max}`);
    }
    return number;
  }

  boolean(path: string, fallback: boolean): boolean {
    const value = this.value(path) ?? fallback;
    if (value === true || value === 'true') return true;
    if (value === false || value === 'false') return false;
    throw this.error(path, `${JSON.stringify(value)} must be true or false`);
  }

  duration(path: string, fallback: string): number {
    const value = this.value(path) ?? fallback;
    try {
      const seconds = parseDuration(value as number | string, path);
      if (seconds <= 0) throw new TypeError('must be more than zero');
      return seconds;
    } catch {
      throw this.error(path, `${JSON.stringify(value)} must be a duration like 30s, 5m, 12h or seconds`);
    }
  }

  secret(path: string): Buffer {
    const value = this.optionalString(path, true);
    if (value === undefined)
      throw this.error(path, 'is required (32 or more random bytes, e.g. openssl rand -base64 32)');
    // Base64 of 32+ bytes, or any text of 32+ bytes.
    const decoded = /^[A-Za-z0-9+/_-]{43,}={0,2}$/.test(value)
      ? Buffer.from(value, 'base64')
      : Buffer.from(value);
    if (decoded.length < MIN_SECRET_BYTES)
      throw this.error(path, `must be at least ${MIN_SECRET_BYTES} bytes`);
    return decoded;
  }

  proxies(path: string): BlockList {
    const list = new BlockList();
    for (const [i, entry] of this.strings(path, []).entries()) {
      const [address, bits] = entry.split('/');
      const family = isIP(address ?? '');
      const prefix = bits === undefined ? (family === 6 ? 128 : 32) : Number(bits);
      if (family === 0 || !Number.isInteger(prefix) || prefix < 0 || prefix > (family === 6 ? 128 : 32)) {
        throw this.error(`${path}[${i}]`, `${JSON.stringify(entry)} must be an IP address or CIDR range`);
      }
      list.addSubnet(address!, prefix, family === 6 ? 'ipv6' : 'ipv4');
    }
    return list;
  }
}
