import { createPrivateKey, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { basename } from 'node:path';
import { checkValue } from '@latchkey/config-schema';
import { userAuthenticationRequirement } from '@latchkey/oidc';
import { parse as parseYaml } from 'yaml';
import { parsePolicy } from '../policy/expression.js';
import { normalizePath } from '../policy/normalize-path.js';
import { GatewayConfigError } from './errors.js';
import { GatewaySettingsSchema } from './schema.js';
import { cookieSecretBytes } from './secret.js';
import type { GatewayConfig, GatewaySettings, ProviderConfig, RouteConfig, UpstreamConfig } from './types.js';

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

/** Names a path as the operator wrote it: the variable that set it, or the path and the file. */
type KeyName = (path: string) => string;

/**
 * Builds the one typed config: the file (YAML or JSON), then `LATCHKEY_GATEWAY_*` variables over it.
 * TypeBox checks the whole document against the schema (schema.ts); what a schema cannot say
 * (references between routes, upstreams and providers, the key file) is checked here. The first bad
 * value fails with a GatewayConfigError naming its key as written (`routes[1].policy (in gateway.yaml)`,
 * `LATCHKEY_GATEWAY_COOKIE_SECRET`), the value (never a secret) and what is expected.
 */
export function loadGatewayConfig(options: LoadGatewayConfigOptions = {}): GatewayConfig {
  const env = options.env ?? process.env;
  const label = options.file === undefined ? '' : ` (in ${basename(options.file)})`;
  const raw: Record<string, unknown> = structuredClone(options.raw ?? {});
  if (options.file !== undefined) Object.assign(raw, readConfigFile(options.file));
  const origin = new Map<string, string>();
  for (const [variable, path] of Object.entries(ENV_KEYS)) {
    const value = env[variable];
    if (value === undefined || value === '') continue;
    setPath(raw, path, value);
    origin.set(path, variable);
  }
  const keyName: KeyName = (path) => {
    for (const [set, variable] of origin) {
      if (path === set || path.startsWith(`${set}[`)) return variable + path.slice(set.length);
    }
    return `${path}${label}`;
  };
  const checked = checkValue(GatewaySettingsSchema, raw, (value, _whole, node) =>
    node.sensitive ? 'the value' : JSON.stringify(value),
  );
  if (!checked.ok) throw new GatewayConfigError(keyName(checked.at.replace(/^\./, '')), checked.problem);
  return derive(checked.value as GatewaySettings, env, keyName);
}

/** The typed config from checked settings: URLs, names, references and the key file. */
function derive(settings: GatewaySettings, env: NodeJS.ProcessEnv, keyName: KeyName): GatewayConfig {
  const fail = (path: string, problem: string) => new GatewayConfigError(keyName(path), problem);
  const publicUrl = new URL(settings.publicUrl);
  const https = publicUrl.protocol === 'https:';
  const providers = settings.providers.map((provider): ProviderConfig => {
    const variable = `LATCHKEY_GATEWAY_PROVIDER_${provider.id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_CLIENT_SECRET`;
    const fromEnv = env[variable];
    return {
      ...provider,
      clientSecret: fromEnv !== undefined && fromEnv !== '' ? fromEnv : provider.clientSecret,
    };
  });
  uniqueIds(providers, 'providers', fail);
  const upstreams = settings.upstreams.map((upstream): UpstreamConfig => {
    const url = new URL(upstream.url);
    return { ...upstream, url, audience: upstream.audience ?? url.origin };
  });
  uniqueIds(upstreams, 'upstreams', fail);
  const routes = settings.routes.map((route, i) =>
    deriveRoute(route, `routes[${i}]`, { providers, upstreams, publicUrl, settings, fail }),
  );
  const { limits, identityHeaders } = settings;
  // node:http refuses a header timeout longer than the request timeout.
  if (limits.headersTimeout > limits.requestTimeout)
    throw fail('limits.headersTimeout', 'must not be longer than limits.requestTimeout');
  return {
    listen: settings.listen,
    publicUrl,
    databaseUrl: settings.databaseUrl,
    sessionStore: settings.session.store,
    cookie: {
      secret: cookieSecretBytes(settings.cookie.secret),
      name: https ? `__Host-${settings.cookie.name}` : settings.cookie.name,
      // Nothing can end a cookie-only session early (no back-channel logout): a short default.
      maxAge: settings.cookie.maxAge ?? (settings.session.store === 'cookie' ? 3600 : 43_200),
    },
    providers,
    upstreams,
    routes,
    trustedProxies: blockList(settings.trustedProxies),
    identityHeaders: {
      user: identityHeaders.user.toLowerCase(),
      email: identityHeaders.email.toLowerCase(),
      groups: identityHeaders.groups.toLowerCase(),
      accessToken: identityHeaders.accessToken.toLowerCase(),
      jwt: identityHeaders.jwt.toLowerCase(),
    },
    forwardAccessToken: settings.forwardAccessToken,
    allowedRedirectOrigins: settings.allowedRedirectOrigins,
    caseSensitivePaths: settings.caseSensitivePaths,
    refreshBefore: settings.refreshBefore,
    endpointPrefix: settings.endpointPrefix,
    forwardAuthRedirect: settings.forwardAuthRedirect,
    upstreamJwt: {
      lifetime: settings.upstreamJwt.lifetime,
      key: readKeyFile(settings.upstreamJwt.keyFile, fail),
    },
    upstreamCookies: settings.upstreamCookies,
    limits,
  };
}

interface RouteContext {
  readonly providers: readonly ProviderConfig[];
  readonly upstreams: readonly UpstreamConfig[];
  readonly publicUrl: URL;
  readonly settings: GatewaySettings;
  readonly fail: (path: string, problem: string) => GatewayConfigError;
}

function deriveRoute(route: GatewaySettings['routes'][number], at: string, ctx: RouteContext): RouteConfig {
  const { fail } = ctx;
  const normalized = normalizePath(route.path, ctx.settings.caseSensitivePaths);
  if (!normalized.ok || normalized.query !== '' || /[;%]/.test(route.path)) {
    throw fail(
      `${at}.path`,
      `${JSON.stringify(route.path)} must be a path without query, percent-escapes or ; parameters`,
    );
  }
  const withoutSlash = (p: string) => (p.length > 1 ? p.replace(/\/$/, '') : p);
  const path = withoutSlash(normalized.matchPath);
  if (route.upstream !== undefined && !ctx.upstreams.some((u) => u.id === route.upstream)) {
    throw fail(
      `${at}.upstream`,
      `names no upstream (known: ${ctx.upstreams.map((u) => u.id).join(', ') || 'none'})`,
    );
  }
  const policy = parsePolicy(route.policy);
  if (!policy.ok) throw fail(`${at}.policy`, policy.problem);
  const providers = route.providers ?? ctx.providers.map((p) => p.id);
  for (const id of providers) {
    if (!ctx.providers.some((p) => p.id === id))
      throw fail(`${at}.providers`, `names no provider ${JSON.stringify(id)}`);
  }
  // RFC 9728 §1.2: the resource identifier is the URL clients use; the route's host when it names one.
  const host = route.host;
  const base = host === undefined || host.startsWith('*.') ? ctx.publicUrl.origin : `https://${host}`;
  const resource = `${base}${path === '/' ? '' : path}`;
  return {
    host,
    path,
    literalPath: withoutSlash(normalized.path),
    upstream: route.upstream,
    policy: policy.value,
    providers,
    mode: route.mode,
    audience: route.audience ?? resource,
    resource,
    cache: route.cache,
    userAuthentication: userAuthentication(route, at, fail),
  };
}

/** `acr` (a value or a list) and `maxAge` of a route; the oidc check names what is wrong. */
function userAuthentication(
  route: GatewaySettings['routes'][number],
  at: string,
  fail: RouteContext['fail'],
): RouteConfig['userAuthentication'] {
  try {
    return userAuthenticationRequirement(route.acr, route.maxAge);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    throw fail(
      `${at}.acr`,
      `${JSON.stringify(route.acr)} must be an acr value or a list of them (no spaces or quotes)`,
    );
  }
}

function readKeyFile(keyFile: string | undefined, fail: RouteContext['fail']): KeyObject | undefined {
  if (keyFile === undefined) return undefined;
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(keyFile, 'utf8'));
  } catch {
    throw fail('upstreamJwt.keyFile', `${JSON.stringify(keyFile)} cannot be read as a PEM private key`);
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw fail('upstreamJwt.keyFile', `${JSON.stringify(keyFile)} must hold an EC P-256 private key (ES256)`);
  }
  return key;
}

/** The checked ranges (schema: addressRanges) as a BlockList. */
function blockList(ranges: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of ranges) {
    const [address, bits] = entry.split('/') as [string, string | undefined];
    const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
    list.addSubnet(address, bits === undefined ? (family === 'ipv6' ? 128 : 32) : Number(bits), family);
  }
  return list;
}

function uniqueIds(items: readonly { id: string }[], key: string, fail: RouteContext['fail']): void {
  const seen = new Set<string>();
  for (const [i, item] of items.entries()) {
    if (seen.has(item.id)) throw fail(`${key}[${i}].id`, `repeats the id ${item.id}`);
    seen.add(item.id);
  }
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
