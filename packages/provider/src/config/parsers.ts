/**
 * One parser per kind of value. Each returns the typed value or a short description of what is wrong,
 * which the loader prefixes with the key and the offending value. Values come as strings from the
 * environment and as JSON/YAML values from a file, so every parser accepts both.
 */
import { isIP } from 'node:net';
import { ASYMMETRIC_ALGORITHMS, type JwsAlgorithm } from '@latchkey/oidc';
import { parseDatabaseUrl as parseStoreDatabaseUrl } from '@latchkey/store';
import { parseDuration } from '../lib/duration.js';
import type { LogLevel } from './types.js';

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });
const bad = (problem: string): Parsed<never> => ({ ok: false, problem });

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || hostname.endsWith('.localhost');
}

/**
 * The issuer identifier: an https URL with no query or fragment (OIDC Discovery 1.0 §3, RFC 8414 §2).
 * A trailing slash is refused rather than trimmed: `iss` is compared as an exact string (OIDC Core
 * §3.1.3.7), so the configured value must already be the one every token will carry.
 * Plain http is accepted only for a loopback host (local development).
 */
export function parseIssuer(raw: unknown): Parsed<string> {
  if (typeof raw !== 'string' || raw === '') return bad('is not a URL');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return bad('is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return bad('must use https (http is allowed only for localhost and 127.0.0.1)');
  }
  if (url.search !== '' || url.hash !== '' || raw.includes('?') || raw.includes('#')) {
    return bad('must not have a query or a fragment');
  }
  if (url.username !== '' || url.password !== '') return bad('must not contain credentials');
  if (raw.endsWith('/')) return bad('must not end with a slash');
  // new URL() lower-cases the scheme and host and drops a default port: accept only the canonical form,
  // so what tokens carry is exactly what the operator wrote.
  const canonical = url.href.endsWith('/') && url.pathname === '/' ? url.href.slice(0, -1) : url.href;
  if (canonical !== raw) return bad(`is not in canonical form (expected "${canonical}")`);
  return ok(raw);
}

export function parsePort(raw: unknown): Parsed<number> {
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,5}$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 0 && n <= 65_535 ? ok(n) : bad('is not a port number');
}

/**
 * NIST SP 800-63B rev. 4 §3.1.1.2: at least 8 characters (15 for a password that is the only factor);
 * at most 64, the length every verifier must accept, so a minimum never refuses what NIST requires.
 */
export function parsePasswordMinLength(raw: unknown): Parsed<number> {
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,3}$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 8 && n <= 64 ? ok(n) : bad('must be a whole number from 8 to 64');
}

export function parseHost(raw: unknown): Parsed<string> {
  return typeof raw === 'string' && /^[A-Za-z0-9.:[\]_-]{1,253}$/.test(raw)
    ? ok(raw)
    : bad('is not a host name or IP address');
}

export function parseNonEmptyString(raw: unknown): Parsed<string> {
  return typeof raw === 'string' && raw.trim() !== '' ? ok(raw) : bad('must be a non-empty string');
}

/** The store's own reading of a database URL decides (one source of truth), at load rather than at open. */
export function parseDatabaseUrl(raw: unknown): Parsed<string> {
  if (typeof raw !== 'string' || raw.trim() === '') return bad('must be a database URL');
  try {
    parseStoreDatabaseUrl(raw);
  } catch {
    return bad(
      'is not a database URL: expected sqlite:PATH (e.g. sqlite:./latchkey-data/latchkey.db) or postgres://…',
    );
  }
  return ok(raw);
}

export function parseDurationValue(raw: unknown): Parsed<number> {
  const seconds = parseDuration(raw);
  return seconds === undefined
    ? bad("is not a duration (seconds, or like '30d', '1h', '5m', '30s')")
    : ok(seconds);
}

export function parseAlgorithms(raw: unknown): Parsed<readonly JwsAlgorithm[]> {
  const list = typeof raw === 'string' ? raw.split(',').map((s) => s.trim()) : raw;
  if (!Array.isArray(list) || list.length === 0) return bad('must be a non-empty list of algorithms');
  const seen = new Set<JwsAlgorithm>();
  for (const alg of list) {
    if (!(ASYMMETRIC_ALGORITHMS as readonly unknown[]).includes(alg)) {
      return bad(`names ${JSON.stringify(alg)}, which is not one of ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
    }
    seen.add(alg as JwsAlgorithm);
  }
  // OIDC Discovery 1.0 §3 (id_token_signing_alg_values_supported): RS256 MUST be included.
  if (!seen.has('RS256')) return bad('must include RS256 (OpenID Connect requires it for ID tokens)');
  return ok([...seen]);
}

const LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function parseLogLevel(raw: unknown): Parsed<LogLevel> {
  return (LEVELS as readonly unknown[]).includes(raw)
    ? ok(raw as LogLevel)
    : bad(`must be one of ${LEVELS.join(', ')}`);
}

/** A yes/no switch: `true`/`false` in a file, the strings `true`/`false` in the environment. */
export function parseBoolean(raw: unknown): Parsed<boolean> {
  if (raw === true || raw === 'true') return ok(true);
  if (raw === false || raw === 'false') return ok(false);
  return bad('must be true or false');
}

export function parseByteSize(raw: unknown): Parsed<number> {
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,10}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n >= 1024 && n <= 16 * 1024 * 1024
    ? ok(n)
    : bad('must be a number of bytes between 1024 and 16777216');
}

/** A connection or request time bound: never unbounded (0), at most 10 minutes. */
export function parseRequestTime(raw: unknown): Parsed<number> {
  const seconds = parseDuration(raw);
  return seconds !== undefined && seconds <= 600 ? ok(seconds) : bad('must be a duration from 1s to 600s');
}

/** Connections per client address: 0 (no limit, e.g. behind a proxy that is not configured) to 100000. */
export function parseConnectionCount(raw: unknown): Parsed<number> {
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  return Number.isSafeInteger(n) && n >= 0 && n <= 100_000
    ? ok(n)
    : bad('must be a whole number from 0 (no limit) to 100000');
}

/** RFC 6749 §4.1.2 recommends at most 10 minutes; checklist A2 asks for at most 60 seconds. */
export function parseCodeLifetime(raw: unknown): Parsed<number> {
  const seconds = parseDuration(raw);
  return seconds !== undefined && seconds <= 60 ? ok(seconds) : bad('must be a duration of at most 60s');
}

/** RFC 9126 §2.2: a `request_uri` is short-lived (the RFC suggests 5 to 600 seconds). */
export function parsePushedRequestLifetime(raw: unknown): Parsed<number> {
  const seconds = parseDuration(raw);
  return seconds !== undefined && seconds >= 5 && seconds <= 600
    ? ok(seconds)
    : bad('must be a duration from 5s to 600s');
}

/**
 * RFC 8628 §3.2 `expires_in` of a device code: long enough to walk to a computer and sign in, short
 * enough that a leaked user code dies soon (it is only 8 characters: RFC 8628 §5.1).
 */
export function parseDeviceCodeLifetime(raw: unknown): Parsed<number> {
  const seconds = parseDuration(raw);
  return seconds !== undefined && seconds >= 60 && seconds <= 1800
    ? ok(seconds)
    : bad('must be a duration from 60s to 30m');
}

/** RFC 8628 §3.2 `interval`: how often a device may poll the token endpoint. */
export function parsePollingInterval(raw: unknown): Parsed<number> {
  const seconds = parseDuration(raw);
  return seconds !== undefined && seconds >= 1 && seconds <= 60
    ? ok(seconds)
    : bad('must be a duration from 1s to 60s');
}

/** A request rate (checklist L3): a whole number of requests per minute, 1 to 100000. */
export function parseRequestsPerMinute(raw: unknown): Parsed<number> {
  const n =
    typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d{1,6}$/.test(raw) ? Number(raw) : NaN;
  return Number.isInteger(n) && n >= 1 && n <= 100_000
    ? ok(n)
    : bad('must be a whole number from 1 to 100000');
}

/** Shown on every page: printable, short. */
export function parseProductName(raw: unknown): Parsed<string> {
  return typeof raw === 'string' && raw.trim() !== '' && raw.length <= 60 && !/\p{Cc}/u.test(raw)
    ? ok(raw.trim())
    : bad('must be 1 to 60 printable characters');
}

/** A hex colour only: it is written into the stylesheet, so nothing else may get through. */
export function parseColor(raw: unknown): Parsed<string> {
  return typeof raw === 'string' && /^#(?:[0-9a-fA-F]{3}){1,2}$/.test(raw)
    ? ok(raw.toLowerCase())
    : bad('must be a hex colour like #2f5bd3');
}

/** An absolute https URL (http only on loopback), e.g. a logo the pages load. */
export function parsePublicUrl(raw: unknown): Parsed<string> {
  if (typeof raw !== 'string' || raw.length > 2000) return bad('is not a URL');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return bad('is not a URL');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    return bad('must use https');
  }
  if (url.username !== '' || url.password !== '') return bad('must not contain credentials');
  return ok(url.href);
}

/** One signing algorithm of the table (asymmetric: tokens are verified with published keys). */
export function parseSigningAlgorithm(raw: unknown): Parsed<JwsAlgorithm> {
  return (ASYMMETRIC_ALGORITHMS as readonly unknown[]).includes(raw)
    ? ok(raw as JwsAlgorithm)
    : bad(`is not one of ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
}

/**
 * Addresses or CIDR ranges of the reverse proxies / load balancers in front of the provider: a list in a
 * file, comma-separated in the environment. Only requests arriving from them have `X-Forwarded-For`
 * believed, so per-IP login limits see the client and not the balancer (checklist S1), and nobody else
 * can choose their own address by sending the header.
 */
export function parseTrustedProxies(raw: unknown): Parsed<readonly string[]> {
  const items =
    typeof raw === 'string'
      ? raw
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : Array.isArray(raw)
        ? raw
        : undefined;
  if (items === undefined) return bad('must be a list of IP addresses or CIDR ranges');
  for (const item of items) {
    if (typeof item !== 'string') return bad('must be a list of IP addresses or CIDR ranges');
    const [address, prefix, ...rest] = item.split('/');
    const family = isIP(address ?? '');
    const maxPrefix = family === 4 ? 32 : 128;
    const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
    if (family === 0 || rest.length > 0 || !prefixOk)
      return bad(`has ${JSON.stringify(item)}, which is not an IP address or CIDR range`);
  }
  return ok(items as string[]);
}

/**
 * A sender address for email: `addr@host` or `Name <addr@host>`. Line breaks are refused (they would
 * inject mail headers), and so is anything longer than an address can be (RFC 5321 §4.5.3.1.3).
 */
export function parseMailbox(raw: unknown): Parsed<string> {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 320) return bad('must be an email address');
  if (/[\r\n\0]/.test(raw)) return bad('must be on one line');
  const address = /<([^<>]+)>$/.exec(raw.trim())?.[1] ?? raw.trim();
  return /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address) ? ok(raw.trim()) : bad('must be an email address');
}

const SMTP_TLS_MODES = ['starttls', 'implicit', 'none'] as const;
export type SmtpTlsMode = (typeof SMTP_TLS_MODES)[number];

/** How the SMTP connection is protected: STARTTLS (587), TLS from the start (465), or none (tests). */
export function parseSmtpTls(raw: unknown): Parsed<SmtpTlsMode> {
  return (SMTP_TLS_MODES as readonly unknown[]).includes(raw)
    ? ok(raw as SmtpTlsMode)
    : bad(`must be one of ${SMTP_TLS_MODES.join(', ')}`);
}

const MFA_POLICIES = ['optional', 'required'] as const;

export function parseMfaPolicy(raw: unknown): Parsed<(typeof MFA_POLICIES)[number]> {
  return (MFA_POLICIES as readonly unknown[]).includes(raw)
    ? ok(raw as (typeof MFA_POLICIES)[number])
    : bad(`must be one of ${MFA_POLICIES.join(', ')}`);
}
