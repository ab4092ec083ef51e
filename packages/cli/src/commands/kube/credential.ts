import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { createOidcClient, isJoseError, isOidcClientError, type OidcClient } from '@latchkey/oidc';
import { optionalString, parsePort, requireString, stringList } from '../../lib/args.js';
import type { Command } from '../../lib/command.js';
import { CommandError, UsageError } from '../../lib/errors.js';
import { type CommandIo, println } from '../../lib/io.js';
import { createTokenDeviceCommand } from '../token/device.js';
import { execCredential } from './exec-credential.js';
import { loopbackLogin } from './loopback-login.js';
import { type CachedTokens, cacheFile, defaultCacheDir, readCache, writeCache } from './token-cache.js';

/** A cached ID token is used while it has at least this long left (kubectl may take a while). */
const EXPIRY_MARGIN = 30;
const DEFAULT_PORT = 8000;
const LOGIN_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_SCOPES = ['openid', 'email', 'profile'];

export interface KubeCredentialDeps {
  readonly fetch?: typeof fetch;
  /** Seconds since the epoch. */
  readonly now?: () => number;
  /** Shows the sign-in page; default: print the URL on stderr and ask the desktop to open it. */
  readonly openBrowser?: (url: string, io: CommandIo) => void | Promise<void>;
  /** The device flow (`latchkey token device`), injectable for its waits. */
  readonly deviceCommand?: Command;
}

/**
 * `latchkey kube credential`: a kubectl exec credential plugin (client.authentication.k8s.io/v1), like
 * kubelogin. It prints an ExecCredential with the person's ID token for the API server's OIDC
 * authenticator, from the cache while it is fresh, else refreshed with the cached refresh token, else
 * after a sign-in — in the browser (loopback redirect + PKCE) or, with `--device`, the device flow.
 * Everything for the person goes to stderr; stdout carries only the ExecCredential.
 */
export function createKubeCredentialCommand(deps: KubeCredentialDeps = {}): Command {
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  const openBrowser = deps.openBrowser ?? openInDesktop;
  return {
    path: ['kube', 'credential'],
    summary: 'kubectl exec credential plugin: print an ExecCredential with an ID token (cached, refreshed)',
    options: {
      issuer: { type: 'string', valueName: 'URL', description: 'the issuer (required)' },
      'client-id': {
        type: 'string',
        valueName: 'ID',
        description: 'the public client of the cluster (required)',
      },
      scope: { type: 'string', multiple: true, valueName: 'S', description: 'an extra scope' },
      device: {
        type: 'boolean',
        description: 'sign in with the device flow instead of a browser on this machine',
      },
      'listen-port': {
        type: 'string',
        valueName: 'PORT',
        description: `loopback port of the redirect URI http://127.0.0.1:PORT/callback (default ${DEFAULT_PORT})`,
      },
      'cache-dir': {
        type: 'string',
        valueName: 'DIR',
        description: 'token cache (default ~/.cache/latchkey/kube)',
      },
    },
    async run(values, _positionals, io) {
      const issuer = requireString(values, 'issuer');
      const clientId = requireString(values, 'client-id');
      const portText = optionalString(values, 'listen-port');
      const port = portText === undefined ? DEFAULT_PORT : parsePort(portText, 'listen-port');
      const scopes = [
        ...new Set([...DEFAULT_SCOPES, ...stringList(values, 'scope').flatMap((s) => s.split(' '))]),
      ];
      const dir = optionalString(values, 'cache-dir') ?? defaultCacheDir(io.env);
      const file = cacheFile(dir, issuer, clientId);

      let tokens = await readCache(file);
      if (tokens === undefined || tokens.expiresAt - EXPIRY_MARGIN <= now()) {
        const client = relyingParty(issuer, clientId, port, scopes, fetchFn, now);
        tokens =
          (tokens?.refreshToken === undefined
            ? undefined
            : await refreshed(client, tokens.refreshToken, io)) ??
          (values.device === true
            ? await deviceLogin(
                deps.deviceCommand ?? createTokenDeviceCommand({ fetch: fetchFn }),
                issuer,
                clientId,
                scopes,
                io,
              )
            : await browserLogin(client, port, (url) => openBrowser(url, io)));
        await writeCache(file, dir, tokens);
      }
      io.stdout.write(`${JSON.stringify(execCredential(tokens.idToken, tokens.expiresAt))}\n`);
      return 0;
    },
  };
}

export const kubeCredential = createKubeCredentialCommand();

function relyingParty(
  issuer: string,
  clientId: string,
  port: number,
  scopes: string[],
  fetchFn: typeof fetch,
  now: () => number,
): OidcClient {
  try {
    return createOidcClient({
      issuer,
      clientId,
      redirectUri: `http://127.0.0.1:${port}/callback`,
      scopes,
      fetch: fetchFn,
      now: () => now() * 1000,
    });
  } catch (error) {
    throw new UsageError(`--issuer: ${(error as Error).message}`);
  }
}

/** A refresh that fails (revoked, expired) means signing in again, not an error. */
async function refreshed(
  client: OidcClient,
  refreshToken: string,
  io: CommandIo,
): Promise<CachedTokens | undefined> {
  try {
    const set = await client.refresh(refreshToken);
    if (set.idToken === undefined || set.claims === undefined) return undefined;
    return {
      idToken: set.idToken,
      expiresAt: set.claims.exp,
      refreshToken: set.refreshToken ?? refreshToken,
    };
  } catch (error) {
    if (!isOidcClientError(error) && !isJoseError(error)) throw error;
    println(io.stderr, 'The saved sign-in could not be renewed; signing in again.');
    return undefined;
  }
}

async function browserLogin(
  client: OidcClient,
  port: number,
  open: (url: string) => void | Promise<void>,
): Promise<CachedTokens> {
  try {
    const set = await loopbackLogin(client, port, open, LOGIN_TIMEOUT_MS);
    return { idToken: set.idToken, expiresAt: set.claims.exp, refreshToken: set.refreshToken };
  } catch (error) {
    if (isOidcClientError(error) || isJoseError(error))
      throw new CommandError(`sign-in failed: ${error.message}`);
    throw error;
  }
}

/** The device flow is `latchkey token device` itself; its token response is read from its stdout. */
async function deviceLogin(
  device: Command,
  issuer: string,
  clientId: string,
  scopes: string[],
  io: CommandIo,
): Promise<CachedTokens> {
  const captured = new PassThrough();
  const chunks: Buffer[] = [];
  captured.on('data', (chunk: Buffer) => chunks.push(chunk));
  await device.run({ issuer, 'client-id': clientId, scope: scopes }, [], { ...io, stdout: captured });
  const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  const idToken = body['id_token'];
  if (typeof idToken !== 'string')
    throw new CommandError('the provider returned no ID token (is openid granted?)');
  // The API server verifies the token; here its `exp` only decides how long to cache it.
  const exp = (
    JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }
  ).exp;
  if (typeof exp !== 'number') throw new CommandError('the ID token has no exp');
  const refreshToken = body['refresh_token'];
  return {
    idToken,
    expiresAt: exp,
    refreshToken: typeof refreshToken === 'string' ? refreshToken : undefined,
  };
}

function openInDesktop(url: string, io: CommandIo): void {
  println(io.stderr, `Opening ${url}`);
  println(io.stderr, 'If no browser opens, open that address yourself.');
  const command =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  try {
    spawn(command, [url], { stdio: 'ignore', detached: true })
      .on('error', () => {})
      .unref();
  } catch {
    // The address is on stderr.
  }
}
