/**
 * The two node:http steps every Node-based adapter shares (node, Express, Fastify all wrap an
 * `IncomingMessage`): gather a `BearerRequest`, and write a failure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { BearerFailure } from './authenticate.js';
import { authorizationValues, type BearerRequest, formBodyHasToken, headerValues } from './bearer.js';

/**
 * `url` defaults to `req.url`; Express passes `originalUrl` (a mounted router rewrites `req.url`).
 * `parsedBody` is whatever a framework's body parser already produced, or undefined.
 */
export function bearerRequestFromNode(
  req: IncomingMessage,
  url = req.url ?? '/',
  parsedBody?: unknown,
): BearerRequest {
  const host = req.headers.host;
  return {
    authorization: authorizationValues(req.rawHeaders),
    url,
    formBodyHasToken: formBodyHasToken(req.headers['content-type'], parsedBody),
    method: req.method,
    dpopProofs: headerValues(req.rawHeaders, 'dpop'),
    // Behind a proxy this is the proxy's view; DPoP users there set `dpop.origin`.
    ...(host === undefined ? {} : { origin: `${isTls(req) ? 'https' : 'http'}://${host}` }),
  };
}

/** Answers the request with the failure, unless a response has already started. */
export function writeFailure(res: ServerResponse, failure: BearerFailure): void {
  if (res.headersSent) return;
  res.writeHead(failure.status, failure.headers).end(JSON.stringify(failure.body));
}

function isTls(req: IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}
