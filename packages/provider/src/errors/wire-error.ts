import type { FastifyError, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from '../lib/database-unavailable.js';
import {
  InvalidRequest,
  MethodNotAllowed,
  OAuthError,
  RequestTooLarge,
  ServerError,
  TemporarilyUnavailable,
  UnsupportedMediaType,
} from './oauth-error.js';

/**
 * Fastify's own errors (body too large, bad JSON, …) mapped to OAuth-shaped errors; a database that cannot
 * answer is a 503; anything else is a 500. The one mapping behind both faces of an error: the JSON
 * answer of the APIs and the HTML page of the browser-facing routes.
 */
export function toWireError(error: FastifyError): OAuthError {
  if (error instanceof OAuthError) return error;
  if (isDatabaseUnavailable(error)) {
    return new TemporarilyUnavailable('The service is temporarily unavailable; try again shortly.');
  }
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new RequestTooLarge('The request body is too large');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new UnsupportedMediaType('The request body has an unsupported content type');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new InvalidRequest('The request body is malformed');
    default:
      if (error.statusCode === 405) return new MethodNotAllowed('Method not allowed');
      if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
        return new InvalidRequest('The request is malformed');
      }
      return new ServerError('The server could not complete the request.');
  }
}

/** Logs a failed request by what it was: an outage (warn), a bug (error), or a rejected request (info). */
export function logRequestError(request: FastifyRequest, error: FastifyError, wire: OAuthError): void {
  if (wire.status === 503)
    request.log.warn({ err: { message: error.message, code: error.code } }, 'database unavailable');
  else if (wire.status >= 500) request.log.error({ err: error }, 'request failed');
  else request.log.info({ error: wire.error, debug: wire.debug }, 'request rejected');
}
