import { promises as dns, type LookupAddress } from 'node:dns';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { AddressPolicy } from './address-policy.js';
import { OutboundError } from './errors.js';

/** One GET of a document a client or the configuration points at. */
export interface OutboundRequest {
  readonly url: string;
  /** Acceptable media types (`application/json`); a `+json` suffix counts for `application/json`. */
  readonly accept: readonly string[];
  /** Largest body accepted, bytes; a larger one fails without being read further. */
  readonly maxBytes: number;
}

export interface OutboundResponse {
  readonly url: string;
  readonly body: Buffer;
  readonly contentType: string;
  /** The `Cache-Control` header as sent, for the HTTP cache (outbound/http-cache.ts). */
  readonly cacheControl: string | undefined;
}

/** Every outbound GET goes through this one interface (DESIGN Round 2, "one guarded fetcher"). */
export interface GuardedFetcher {
  get(request: OutboundRequest): Promise<OutboundResponse>;
}

export type Resolver = (hostname: string) => Promise<readonly LookupAddress[]>;

export interface GuardedFetcherOptions {
  readonly policy: AddressPolicy;
  /** Whole-request deadline (connect, headers and body), milliseconds. */
  readonly timeoutMs: number;
  /** Default: the system resolver, every address (`dns.lookup` with `all`). */
  readonly resolve?: Resolver;
  /** Extra trust anchors (PEM), for tests with their own CA; default: Node's. */
  readonly ca?: string | readonly string[];
}

const systemResolver: Resolver = (hostname) => dns.lookup(hostname, { all: true, verbatim: true });

/**
 * A GET that cannot be pointed at the provider's own network (checklist M1):
 * - https only, no credentials in the URL;
 * - the host is resolved once, *every* address is checked against the policy, and the connection is
 *   made to a checked address (the socket's `lookup` returns it), so a second DNS answer cannot
 *   switch it to an internal one (DNS rebinding);
 * - redirects are never followed (a 3xx is an error), so nothing can bounce the request inward;
 * - one deadline for the whole exchange, a cap on the body (the announced length and the bytes read),
 *   and the media type must be one that was asked for.
 */
export function createGuardedFetcher(options: GuardedFetcherOptions): GuardedFetcher {
  const resolve = options.resolve ?? systemResolver;
  return {
    async get(request) {
      const url = parseTarget(request.url);
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), options.timeoutMs);
      try {
        const target = await raceDeadline(pickAddress(url, options.policy, resolve), deadline.signal, url);
        return await raceDeadline(send(url, target, request, options, deadline.signal), deadline.signal, url);
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function parseTarget(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new OutboundError('ERR_OUTBOUND_URL', 'The URL is not valid');
  }
  if (url.protocol !== 'https:') throw new OutboundError('ERR_OUTBOUND_URL', 'Only https URLs are fetched');
  if (url.username !== '' || url.password !== '') {
    throw new OutboundError('ERR_OUTBOUND_URL', 'The URL must not contain credentials');
  }
  return url;
}

/** The address to connect to, after checking every address the name has. */
async function pickAddress(url: URL, policy: AddressPolicy, resolve: Resolver): Promise<LookupAddress> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const literal = isIP(host);
  let addresses: readonly LookupAddress[];
  if (literal !== 0) addresses = [{ address: host, family: literal }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new OutboundError('ERR_OUTBOUND_DNS', `${url.host} does not resolve`);
    }
  }
  if (addresses.length === 0) throw new OutboundError('ERR_OUTBOUND_DNS', `${url.host} does not resolve`);
  // Every address, not only the first: a name with one public and one internal address is refused.
  if (!addresses.every((a) => policy.allows(a.address))) {
    throw new OutboundError('ERR_OUTBOUND_ADDRESS', `${url.host} resolves to an address that is not allowed`);
  }
  return addresses[0]!;
}

function send(
  url: URL,
  target: LookupAddress,
  request: OutboundRequest,
  options: GuardedFetcherOptions,
  signal: AbortSignal,
): Promise<OutboundResponse> {
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest(url, {
      method: 'GET',
      signal,
      headers: { accept: request.accept.join(', '), 'accept-encoding': 'identity' },
      // The connection goes to the address checked above, whatever the resolver would say now.
      lookup: (_hostname, lookupOptions, callback) => {
        if ((lookupOptions as { all?: boolean }).all) callback(null, [target]);
        else (callback as (e: null, a: string, f: number) => void)(null, target.address, target.family);
      },
      ...(options.ca === undefined ? {} : { ca: options.ca as string | string[] }),
      agent: false,
    });
    req.on('error', (error) => reject(toNetworkError(error, url)));
    req.on('response', (response) => {
      readResponse(url, response, request).then(resolvePromise, (error: unknown) => {
        response.destroy();
        reject(error);
      });
    });
    req.end();
  });
}

async function readResponse(
  url: URL,
  response: IncomingMessage,
  request: OutboundRequest,
): Promise<OutboundResponse> {
  const status = response.statusCode ?? 0;
  if (status >= 300 && status < 400) {
    throw new OutboundError('ERR_OUTBOUND_REDIRECT', `${url.host} answered with a redirect, not followed`);
  }
  if (status !== 200) throw new OutboundError('ERR_OUTBOUND_STATUS', `${url.host} answered ${status}`);
  const contentType = (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (!acceptable(contentType, request.accept)) {
    throw new OutboundError(
      'ERR_OUTBOUND_CONTENT_TYPE',
      `${url.host} answered ${contentType === '' ? 'no media type' : contentType}, not ${request.accept.join(' or ')}`,
    );
  }
  const announced = Number(response.headers['content-length']);
  if (Number.isFinite(announced) && announced > request.maxBytes) {
    throw new OutboundError('ERR_OUTBOUND_TOO_LARGE', `${url.host} sent more than ${request.maxBytes} bytes`);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > request.maxBytes) {
      throw new OutboundError(
        'ERR_OUTBOUND_TOO_LARGE',
        `${url.host} sent more than ${request.maxBytes} bytes`,
      );
    }
    chunks.push(chunk);
  }
  const cacheControl = response.headers['cache-control'];
  return { url: url.href, body: Buffer.concat(chunks), contentType, cacheControl };
}

function acceptable(contentType: string, accept: readonly string[]): boolean {
  return accept.some(
    (type) =>
      contentType === type ||
      (type === 'application/json' && /^application\/[a-z0-9.+-]+\+json$/.test(contentType)),
  );
}

function toNetworkError(error: Error, url: URL): OutboundError {
  if (error instanceof OutboundError) return error;
  if (error.name === 'AbortError') return timeout(url);
  return new OutboundError('ERR_OUTBOUND_NETWORK', `${url.host} could not be reached`);
}

const timeout = (url: URL) => new OutboundError('ERR_OUTBOUND_TIMEOUT', `${url.host} did not answer in time`);

/** The whole exchange, DNS included, ends at the deadline. */
function raceDeadline<T>(work: Promise<T>, signal: AbortSignal, url: URL): Promise<T> {
  if (signal.aborted) return Promise.reject(timeout(url));
  return new Promise<T>((resolvePromise, reject) => {
    const onAbort = () => reject(timeout(url));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolvePromise(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error instanceof OutboundError ? error : toNetworkError(error as Error, url));
      },
    );
  });
}
