/**
 * The checks a schema cannot say: the form of a URL, a database URL as the store reads it, a mailbox. schema.ts refines its schemas with them; connectors/ reads issuers and URLs with them.
 * Each returns the value or a short description of what is wrong.
 */
import { parseDatabaseUrl as parseStoreDatabaseUrl } from '@latchkey/store';

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

/** The store's own reading of a database URL decides (one source of truth), at load rather than at open. */
export function databaseUrlProblem(raw: string): string | undefined {
  try {
    parseStoreDatabaseUrl(raw);
    return undefined;
  } catch {
    return 'is not a database URL: expected sqlite:PATH (e.g. sqlite:./latchkey-data/latchkey.db) or postgres://…';
  }
}

/**
 * A sender address for email: `addr@host` or `Name <addr@host>`. Line breaks are refused (they would
 * inject mail headers), and so is anything longer than an address can be (RFC 5321 §4.5.3.1.3).
 */
export function mailboxProblem(raw: string): string | undefined {
  if (/[\r\n\0]/.test(raw)) return 'must be on one line';
  const address = /<([^<>]+)>$/.exec(raw.trim())?.[1] ?? raw.trim();
  return /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(address) ? undefined : 'must be an email address';
}

/**
 * Whom a stuck person contacts (`ui.supportContact`): an email address, or an https URL (http only on
 * loopback) as parsePublicUrl reads it; empty for none. The address is kept to the characters a mailto
 * link carries as they are (no `?`, `&`, `%`: they would add headers or escapes to the link).
 */
export function supportContactProblem(raw: string): string | undefined {
  if (raw === '') return undefined;
  const email = /^[A-Za-z0-9._+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z0-9-]{2,}$/.test(raw);
  return email || parsePublicUrl(raw).ok ? undefined : 'must be an email address or an https URL';
}
