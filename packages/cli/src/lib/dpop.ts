/**
 * DPoP (RFC 9449) for the token commands: the key (fresh ES256, or a private JWK kept in a file), a
 * proof on every token request, one retry after `use_dpop_nonce` (§8), and the check that the provider
 * really bound the token (`token_type: DPoP`).
 */
import { constants, promises as fs } from 'node:fs';
import {
  DpopProver,
  exportJwk,
  generateKeyPair,
  importJwk,
  isJoseError,
  isJwsAlgorithm,
  type JwsAlgorithm,
} from '@latchkey/oidc';
import { optionalString } from './args.js';
import type { OptionSpec, ParsedValues } from './command.js';
import { CommandError, UsageError } from './errors.js';
import { type CommandIo, println } from './io.js';

/** §4.2: the algorithm a fresh key gets; ES256 is what every DPoP server supports. */
const NEW_KEY_ALGORITHM: JwsAlgorithm = 'ES256';
/** A private JWK is a few hundred bytes (a 4096-bit RSA one about 3 kB). */
const MAX_KEY_FILE_BYTES = 16 * 1024;

export const DPOP_OPTIONS: Readonly<Record<string, OptionSpec>> = {
  dpop: {
    type: 'boolean',
    description: 'bind the token to a DPoP key (RFC 9449): a new ES256 key unless --dpop-key is given',
  },
  'dpop-key': {
    type: 'string',
    valueName: 'FILE',
    description:
      'the DPoP private key as a JWK (implies --dpop); created with mode 0600 if missing, else it must be 0600',
  },
};

/** The prover the flags ask for, or undefined without --dpop / --dpop-key. */
export async function dpopProverFromFlags(
  values: ParsedValues,
  io: Pick<CommandIo, 'stderr'>,
  nowSeconds: () => number = () => Date.now() / 1000,
): Promise<DpopProver | undefined> {
  const file = optionalString(values, 'dpop-key');
  if (file === undefined && !values['dpop']) return undefined;
  const options = { now: () => nowSeconds() * 1000 };
  if (file === undefined) {
    println(
      io.stderr,
      'DPoP: a new key for this run only (keep one with --dpop-key FILE to use the token later)',
    );
    return new DpopProver(await generateKeyPair(NEW_KEY_ALGORITHM), options);
  }
  const existing = await readKeyFile(file);
  if (existing !== undefined) return new DpopProver(existing, options);
  const keys = await generateKeyPair(NEW_KEY_ALGORITHM);
  await writeKeyFile(file, JSON.stringify(exportJwk(keys.privateKey, { includePrivate: true })));
  println(io.stderr, `DPoP: a new key was saved in ${file}`);
  return new DpopProver(keys, options);
}

async function readKeyFile(file: string) {
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new UsageError(`--dpop-key ${file}: ${(error as Error).message}`);
  }
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw new UsageError(`--dpop-key ${file}: not a regular file`);
    // A private key readable by others is a key others may hold: refuse, as ssh does.
    if ((stat.mode & 0o077) !== 0) {
      throw new UsageError(
        `--dpop-key ${file}: mode ${(stat.mode & 0o777).toString(8)} lets others read the private key; chmod 600 it`,
      );
    }
    if (stat.size > MAX_KEY_FILE_BYTES) throw new UsageError(`--dpop-key ${file}: too large for a JWK`);
    const text = await handle.readFile('utf8');
    return importPrivateJwk(text, file);
  } finally {
    await handle.close();
  }
}

function importPrivateJwk(text: string, file: string) {
  const bad = (why: string) => new UsageError(`--dpop-key ${file}: ${why}`);
  let jwk: unknown;
  try {
    jwk = JSON.parse(text);
  } catch {
    throw bad('not JSON (a private JWK is expected)');
  }
  const alg = (jwk as { alg?: unknown } | null)?.alg;
  const algorithm = typeof alg === 'string' && isJwsAlgorithm(alg) ? alg : undefined;
  if (algorithm === undefined) throw bad('the JWK needs an "alg" (e.g. ES256)');
  try {
    const privateKey = importJwk(jwk, { alg: algorithm });
    if (privateKey.type !== 'private') throw bad('not a private key (it has no "d")');
    return { privateKey, publicKey: importJwk(exportJwk(privateKey), { alg: algorithm }) };
  } catch (error) {
    if (isJoseError(error)) throw bad(error.message);
    throw error;
  }
}

async function writeKeyFile(file: string, text: string): Promise<void> {
  try {
    // O_EXCL: never write over a file that appeared meanwhile; 0600 from the first byte.
    await fs.writeFile(file, `${text}\n`, { mode: 0o600, flag: 'wx' });
  } catch (error) {
    throw new UsageError(`--dpop-key ${file}: cannot create it: ${(error as Error).message}`);
  }
}

/**
 * POSTs a token request with a fresh proof (§4.1), and once more with the server's nonce when it
 * answers `use_dpop_nonce` with a new `DPoP-Nonce` (§8). Without a prover, a plain request.
 */
export async function fetchWithDpop(
  fetchFn: typeof fetch,
  url: string,
  init: () => RequestInit,
  prover: DpopProver | undefined,
): Promise<Response> {
  const send = () => {
    const request = init();
    if (prover === undefined) return fetchFn(url, request);
    const headers = new Headers(request.headers);
    headers.set('dpop', prover.proof(request.method ?? 'POST', url));
    return fetchFn(url, { ...request, headers });
  };
  const response = await send();
  if (prover === undefined || !prover.rememberNonce(url, response.headers)) return response;
  if (response.status !== 400 && response.status !== 401) return response;
  const error = await response
    .clone()
    .json()
    .then((body: unknown) => (body as { error?: unknown } | null)?.error)
    .catch(() => undefined);
  return error === 'use_dpop_nonce' ? send() : response;
}

/** What a DPoP token response adds to the output: the thumbprint the token is bound to (`cnf.jkt`). */
export function dpopSummary(prover: DpopProver | undefined): Record<string, string> {
  return prover === undefined ? {} : { dpop_jkt: prover.jkt };
}

/** After a successful token response: the provider must have bound the token to our key. */
export function checkDpopBound(body: Record<string, unknown>, prover: DpopProver | undefined): void {
  if (prover === undefined) return;
  const type = body['token_type'];
  if (typeof type !== 'string' || type.toLowerCase() !== 'dpop') {
    throw new CommandError(
      `the provider did not bind the token to the DPoP key (token_type ${JSON.stringify(type)}); it is a plain bearer token`,
    );
  }
}
