/**
 * Finding the access token in a request, RFC 6750 §2.
 *
 * We accept exactly one method: the `Authorization: Bearer <b64token>` header (§2.1).
 * - Query string (§2.3): never. The RFC says SHOULD NOT and RFC 9700 §2 says MUST NOT, because URLs end
 *   up in logs, history and Referer headers. A query `access_token` gets a 400 that names the header.
 * - Form body (§2.2): never, also a 400 naming the header. The body method is optional for a resource
 *   server ("MAY"), and whether a body has been parsed when the middleware runs depends on the framework
 *   and on middleware order (node:http and Hono never parse it; Express only after a urlencoded parser;
 *   Fastify only with a form parser). Accepting it would make one request pass under one adapter and fail
 *   under another; rejecting it wherever it is visible tells the client why, and never reads a body
 *   before authentication.
 * - The token twice, or in two places, is a 400 `invalid_request` (§2: "MUST NOT use more than one
 *   method"; §3.1).
 */

/** The parts of a request that can carry an access token, gathered by each framework adapter. */
export interface BearerRequest {
  /**
   * Every `Authorization` field value, in order. Node keeps only the first one in `req.headers`,
   * so adapters read `req.rawHeaders` (see `authorizationValues`).
   */
  readonly authorization: readonly string[];
  /** The request target (`/path?query`) or a full URL; only its query string is read. */
  readonly url: string;
  /** True when a parsed `application/x-www-form-urlencoded` body has an `access_token` field. */
  readonly formBodyHasToken?: boolean;
  /** The request method; needed for DPoP (`htm`, RFC 9449 §4.2). */
  readonly method?: string;
  /** Every `DPoP` header value, in order (RFC 9449 §4.1). */
  readonly dpopProofs?: readonly string[];
  /** `scheme://host` as this server received the request, when `url` is only a path (DPoP `htu`). */
  readonly origin?: string;
}

/** What the request carries: a token, nothing usable, or a malformed request (400 `invalid_request`). */
export type BearerExtraction =
  | { readonly kind: 'token'; readonly token: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'invalid_request'; readonly description: string };

const HEADER_HINT = 'send the access token in the Authorization header with the Bearer scheme';

// RFC 6750 §2.1: credentials = "Bearer" 1*SP b64token;
// b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=". The scheme is
// case-insensitive (RFC 9110 §11.1).
const BEARER_CREDENTIALS = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
// The auth-scheme token that starts any credentials (RFC 9110 §11.4), to tell "another scheme" apart
// from malformed Bearer credentials (`Bearer<TAB>token` is Bearer, and malformed).
const SCHEME = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)(?:[ \t]|$)/;

const MISSING: BearerExtraction = { kind: 'missing' };

function invalidRequest(description: string): BearerExtraction {
  return { kind: 'invalid_request', description };
}

/** Reads the access token from a request per RFC 6750 §2. Never throws; never echoes the token. */
export function extractBearerToken(request: BearerRequest): BearerExtraction {
  const inQuery = queryHasToken(request.url);
  const inBody = request.formBodyHasToken === true;
  const bearerHeaders = request.authorization.filter(isBearerScheme);

  if (request.authorization.length > 1) {
    return invalidRequest('the Authorization header must be sent once');
  }
  if (bearerHeaders.length > 0 && (inQuery || inBody)) {
    return invalidRequest(`the access token must be sent by one method only: ${HEADER_HINT}`);
  }
  if (inQuery) return invalidRequest(`access tokens are not accepted in the query string: ${HEADER_HINT}`);
  if (inBody) return invalidRequest(`access tokens are not accepted in the request body: ${HEADER_HINT}`);

  const header = bearerHeaders[0];
  // No credentials, or credentials of another scheme (Basic, DPoP, …): RFC 6750 §3.1 says to answer
  // with a challenge without an error code.
  if (header === undefined) return MISSING;
  const match = BEARER_CREDENTIALS.exec(header);
  if (match === null) {
    return invalidRequest(
      header.includes(',')
        ? 'the Authorization header must be sent once, with one Bearer token'
        : 'the Authorization header must be "Bearer" followed by one space and one token',
    );
  }
  return { kind: 'token', token: match[1]! };
}

function isBearerScheme(value: string): boolean {
  return authScheme(value) === 'bearer';
}

/** The auth-scheme of credentials, lower-cased (RFC 9110 §11.1: case-insensitive). */
export function authScheme(value: string): string | undefined {
  return SCHEME.exec(value)?.[1]?.toLowerCase();
}

function queryHasToken(url: string): boolean {
  const start = url.indexOf('?');
  if (start === -1) return false;
  const end = url.indexOf('#', start);
  // URLSearchParams decodes names, so `access%5Ftoken` counts too.
  return new URLSearchParams(url.slice(start + 1, end === -1 ? undefined : end)).has('access_token');
}

/**
 * Every `Authorization` value from Node's `rawHeaders` (name, value, name, value, …). Node folds
 * duplicates of `authorization` into `req.headers` by keeping only the first, which would hide the
 * second token from us.
 */
export function authorizationValues(rawHeaders: readonly string[]): string[] {
  return headerValues(rawHeaders, 'authorization');
}

/** Every value of the header `lowerCaseName` in Node's `rawHeaders`, duplicates included. */
export function headerValues(rawHeaders: readonly string[], lowerCaseName: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (name.length === lowerCaseName.length && name.toLowerCase() === lowerCaseName) {
      values.push(rawHeaders[i + 1]!);
    }
  }
  return values;
}

/**
 * Whether a body the framework already parsed is a form with an `access_token` field (RFC 6750 §2.2).
 * Only `application/x-www-form-urlencoded` bodies count: a JSON member named `access_token` is not a
 * Bearer token method.
 */
export function formBodyHasToken(contentType: string | undefined, body: unknown): boolean {
  if (contentType === undefined || typeof body !== 'object' || body === null) return false;
  const mediaType = contentType.split(';', 1)[0]!.trim().toLowerCase();
  return mediaType === 'application/x-www-form-urlencoded' && Object.hasOwn(body, 'access_token');
}
