import { RequestNotSupported, RequestUriNotSupported } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';

/**
 * OIDC Core §6: request objects are not supported (discovery says request_parameter_supported and
 * request_uri_parameter_supported are false), so `request` and `request_uri` get their §3.1.2.6 errors
 * instead of being silently ignored, which would drop what they asked for.
 */
export function checkRequestObject(params: RequestParams): void {
  if (params.has('request')) throw new RequestNotSupported('Request objects are not supported');
  if (params.has('request_uri')) throw new RequestUriNotSupported('request_uri is not supported');
}
