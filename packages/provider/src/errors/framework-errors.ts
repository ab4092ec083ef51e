import {
  InvalidRequest,
  MethodNotAllowed,
  NotFound,
  type OAuthError,
  RequestTooLarge,
  UnsupportedMediaType,
} from './oauth-error.js';

/** Request header fields too large (RFC 6585 §5): no OAuth code fits, so it is an `invalid_request` with this status. */
export class HeadersTooLarge extends InvalidRequest {
  override readonly status = 431;
}
/** The request was not received in time (RFC 9110 §15.5.9). */
export class RequestTimeout extends InvalidRequest {
  override readonly status = 408;
}
/** The URL is longer than the router reads (RFC 9110 §15.5.15). */
export class UriTooLong extends InvalidRequest {
  override readonly status = 414;
}

/**
 * The HTTP framework's and Node's own errors (bad URL, body too large, bad content type, client gone,
 * headers too large, …) as OAuth-shaped errors, so they are answered by the one factory with the
 * security headers, and never name the framework or echo the request. Undefined: not the framework's.
 * Descriptions are fixed texts; the framework's code goes to `debug` (logged, never sent).
 */
export function fromFrameworkError(error: unknown): OAuthError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  const debug = typeof code === 'string' ? code : undefined;
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return code === 'FST_ERR_CTP_BODY_TOO_LARGE'
        ? new RequestTooLarge('The request body is too large', debug)
        : new InvalidRequest('The request body is malformed', debug);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType('The request body has an unsupported content type', debug);
    case 'FST_ERR_BAD_URL':
      return new InvalidRequest('The request URL is malformed', debug);
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new UriTooLong('The request URL is too long', debug);
    case 'HPE_HEADER_OVERFLOW':
      return new HeadersTooLarge('The request headers are too large', debug);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new RequestTimeout('The request was not received in time', debug);
  }
  if (statusCode === 404) return new NotFound('Not found', debug);
  if (statusCode === 405) return new MethodNotAllowed('Method not allowed', debug);
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    // A client that aborts its upload (`aborted`/ECONNRESET from the request stream) lands here too: its
    // request was cut short, which is its doing, never a database outage.
    return new InvalidRequest('The request is malformed', debug);
  }
  return undefined;
}
