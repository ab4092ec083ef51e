/**
 * The kube credential's token cache: one file per issuer and client under the user's cache directory
 * ($XDG_CACHE_HOME, else ~/.cache), folder 0700 and file 0600 — it holds a refresh token. Written to a
 * temporary file then renamed, so a concurrent kubectl never reads half a file.
 */
import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface CachedTokens {
  readonly idToken: string;
  /** Epoch seconds, the ID token's `exp`. */
  readonly expiresAt: number;
  readonly refreshToken: string | undefined;
}

export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  const base = env['XDG_CACHE_HOME'] || join(env['HOME'] || homedir(), '.cache');
  return join(base, 'latchkey', 'kube');
}

export function cacheFile(dir: string, issuer: string, clientId: string): string {
  const key = createHash('sha256').update(`${issuer}\n${clientId}`).digest('base64url').slice(0, 32);
  return join(dir, `${key}.json`);
}

export async function readCache(file: string): Promise<CachedTokens | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Record<string, unknown>;
    if (typeof value.idToken !== 'string' || typeof value.expiresAt !== 'number') return undefined;
    return {
      idToken: value.idToken,
      expiresAt: value.expiresAt,
      refreshToken: typeof value.refreshToken === 'string' ? value.refreshToken : undefined,
    };
  } catch {
    // A damaged cache is the same as none: sign in again.
    return undefined;
  }
}

export async function writeCache(file: string, dir: string, tokens: CachedTokens): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  await chmod(dir, 0o700);
  const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  await writeFile(temporary, JSON.stringify(tokens), { mode: 0o600 });
  await rename(temporary, file);
}
