import { parseJsonObject } from '../jose/json.js';
import { readBoundedBody } from '../lib/read-bounded-body.js';
import type { DpopProver } from './dpop.js';
import { OidcClientError, safeErrorCode } from './errors.js';

export interface TokenRequestOptions {
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  readonly clientId: string;
  readonly clientSecret: string | undefined;
  /** Sends a DPoP proof with the request (RFC 9449 §5). */
  readonly dpop?: DpopProver | undefined;
}

/**
 * POSTs a form to the token endpoint (RFC 6749 §4.1.3, §6) and returns the JSON object it answers.
 * Client authentication: `client_secret_basic` when there is a secret (RFC 6749 §2.3.1: id and
 * secret form-urlencoded before base64), else `client_id` in the body (public client with PKCE).
 * Bounded like every outbound fetch (DESIGN rule 9): one timeout, a size cap, no redirects.
 */
export async function postTokenRequest(
  endpoint: string,
  params: Record<string, string>,
  options: TokenRequestOptions,
): Promise<Record<string, unknown>> {
  const headers: Record<string, string> = {
    accept: 'application/json',
    'content-type': 'application/x-www-form-urlencoded',
  };
  const form = new URLSearchParams(params);
  if (options.clientSecret === undefined) form.set('client_id', options.clientId);
  else {
    const user = formEncode(options.clientId);
    const password = formEncode(options.clientSecret);
    headers['authorization'] = `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  }
  let { response, bytes, error, newNonce } = await post(endpoint, headers, form, options);
  // RFC 9449 §8: a server that wants a nonce answers use_dpop_nonce with one; retry once with it.
  if (error === 'use_dpop_nonce' && newNonce) {
    ({ response, bytes, error } = await post(endpoint, headers, form, options));
  }
  if (!response.ok) {
    throw new OidcClientError(
      'ERR_CLIENT_TOKEN_REQUEST_FAILED',
      `the token endpoint answered HTTP ${response.status}${error === undefined ? '' : ` (${error})`}`,
      error === undefined ? {} : { error },
    );
  }
  try {
    return parseJsonObject(bytes, 'ERR_JWT_INVALID', 'the token response');
  } catch (cause) {
    throw new OidcClientError(
      'ERR_CLIENT_TOKEN_RESPONSE_INVALID',
      'the token response is not a JSON object',
      {
        cause,
      },
    );
  }
}

async function post(
  endpoint: string,
  headers: Record<string, string>,
  form: URLSearchParams,
  options: TokenRequestOptions,
): Promise<{ response: Response; bytes: Uint8Array; error: string | undefined; newNonce: boolean }> {
  const dpop = options.dpop;
  let response: Response;
  try {
    response = await options.fetch(endpoint, {
      method: 'POST',
      headers: dpop === undefined ? headers : { ...headers, dpop: dpop.proof('POST', endpoint) },
      body: form.toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs),
    });
  } catch (cause) {
    throw new OidcClientError('ERR_CLIENT_TOKEN_REQUEST_FAILED', 'the token endpoint could not be reached', {
      cause,
    });
  }
  const newNonce = dpop?.rememberNonce(endpoint, response.headers) === true;
  const bytes = await readBounded(response, options.maxBytes);
  // RFC 6749 §5.2: the error body names the OAuth error code; only that code is kept.
  let error: string | undefined;
  if (!response.ok) {
    try {
      error = safeErrorCode(parseJsonObject(bytes, 'ERR_JWT_INVALID', 'the error response')['error']);
    } catch {}
  }
  return { response, bytes, error, newNonce };
}

// RFC 6749 §2.3.1 / Appendix B: application/x-www-form-urlencoded, so a space is `+`.
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

function readBounded(response: Response, maxBytes: number): Promise<Uint8Array> {
  return readBoundedBody(response, maxBytes, {
    tooLarge: () =>
      new OidcClientError(
        'ERR_CLIENT_TOKEN_REQUEST_FAILED',
        `the token response is larger than ${maxBytes} bytes`,
      ),
    readFailed: (cause) =>
      new OidcClientError('ERR_CLIENT_TOKEN_REQUEST_FAILED', 'reading the token response failed', { cause }),
  });
}
