import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors.js';
import type { Parsed } from './parsers.js';

/** 256 bits: the AES-256-GCM key is derived from it, so anything shorter would weaken it. */
export const MIN_SECRET_BYTES = 32;
export const DEV_SECRET_FILE = 'secret';

/**
 * LATCHKEY_SECRET is random bytes, hex (64+ digits) or base64/base64url encoded (32+ bytes decoded).
 * A passphrase is refused: its bytes are not 256 bits of entropy.
 */
export function decodeSecret(raw: string): Buffer | undefined {
  const value = raw.trim();
  if (/^(?:[0-9a-fA-F]{2}){32,}$/.test(value)) return Buffer.from(value, 'hex');
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) {
    const bytes = Buffer.from(value.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''), 'base64url');
    if (bytes.length >= MIN_SECRET_BYTES) return bytes;
  }
  return undefined;
}

/** Config parser: never echoes the value (the loader marks this field sensitive). */
export function parseSecret(raw: unknown): Parsed<string> {
  if (typeof raw === 'string' && decodeSecret(raw) !== undefined) return { ok: true, value: raw };
  return {
    ok: false,
    problem: `must be at least ${MIN_SECRET_BYTES} random bytes, hex or base64 encoded (make one with: openssl rand -base64 32)`,
  };
}

export interface ResolvedSecret {
  readonly bytes: Buffer;
  /** `env`: configured; `file`: the development secret found in dataDir; `generated`: just created. */
  readonly source: 'configured' | 'file' | 'generated';
  readonly path?: string;
}

/**
 * The configured secret, or the development secret in `<dataDir>/secret`, created on first start with
 * mode 0600 (DESIGN rule 6). The caller warns loudly for `file` and `generated`.
 */
export function resolveSecret(config: { secret?: string | undefined; dataDir: string }): ResolvedSecret {
  if (config.secret !== undefined) {
    const bytes = decodeSecret(config.secret);
    if (!bytes) throw new ConfigError('LATCHKEY_SECRET', parseSecretProblem());
    return { bytes, source: 'configured' };
  }
  const path = join(config.dataDir, DEV_SECRET_FILE);
  const existing = readIfExists(path);
  if (existing !== undefined) {
    const bytes = decodeSecret(existing);
    if (!bytes)
      throw new ConfigError(path, 'the development secret file is corrupt; delete it or set LATCHKEY_SECRET');
    return { bytes, source: 'file', path };
  }
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const encoded = randomBytes(MIN_SECRET_BYTES).toString('base64url');
  try {
    // 'wx': never overwrite a secret another process created a moment ago (its keys would be unreadable).
    writeFileSync(path, `${encoded}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return resolveSecret(config);
    throw error;
  }
  chmodSync(path, 0o600);
  return { bytes: decodeSecret(encoded)!, source: 'generated', path };
}

/**
 * A deployment (an https issuer, or NODE_ENV=production) must bring its own LATCHKEY_SECRET: a generated
 * development secret lives in one instance's data folder, so a second instance, or a restart on a fresh
 * volume, could not read the signing keys sealed under it.
 */
export function requireSecretInProduction(
  config: { readonly secret?: string | undefined; readonly issuer: string },
  env: NodeJS.ProcessEnv,
): void {
  if (config.secret !== undefined) return;
  const https = new URL(config.issuer).protocol === 'https:';
  if (!https && env['NODE_ENV'] !== 'production') return;
  const why = https ? `the issuer ${config.issuer} is https` : 'NODE_ENV is production';
  throw new ConfigError(
    'LATCHKEY_SECRET',
    `is required in production (${why}). Make one with \`openssl rand -hex 32\`, keep it safe, and set ` +
      'the same value on every instance: signing keys are encrypted under it.',
  );
}

/** The warning printed whenever the development secret is in use. */
export function devSecretWarning(secret: ResolvedSecret): string | undefined {
  if (secret.source === 'configured') return undefined;
  const verb =
    secret.source === 'generated' ? 'Generated a development secret in' : 'Using the development secret in';
  return (
    `${verb} ${secret.path}. Signing keys are encrypted with it. ` +
    'In production set LATCHKEY_SECRET (openssl rand -base64 32) and keep it safe: ' +
    'every instance must share it, and losing it makes the stored signing keys unreadable.'
  );
}

function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function parseSecretProblem(): string {
  const parsed = parseSecret(undefined);
  return parsed.ok ? '' : parsed.problem;
}
