import { readBoundedBody } from '@latchkey/oidc';
import { ConnectorUnavailableError, UpstreamRejectedError } from './connector.js';

/** DESIGN rule 9: every outbound read is bounded in size and time. */
const MAX_RESPONSE_BYTES = 64 * 1024;
const TIMEOUT_MS = 10_000;

/**
 * One JSON request to an upstream's API (token endpoint, user API, UserInfo), bounded in size and
 * time, redirects refused. An upstream that cannot be reached, answers 5xx or something that is not
 * JSON is ConnectorUnavailableError; a 4xx is UpstreamRejectedError (it refused what we sent).
 */
export async function fetchUpstreamJson(
  fetchFn: typeof fetch,
  url: string,
  init: RequestInit,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchFn(url, { ...init, redirect: 'error', signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (error) {
    throw new ConnectorUnavailableError('the upstream could not be reached', { cause: error });
  }
  const body = await readBoundedBody(response, MAX_RESPONSE_BYTES, {
    tooLarge: () => new ConnectorUnavailableError('the upstream answer is too large'),
    readFailed: (cause) => new ConnectorUnavailableError('the upstream answer could not be read', { cause }),
  });
  if (response.status >= 500) throw new ConnectorUnavailableError(`the upstream answered ${response.status}`);
  if (!response.ok) throw new UpstreamRejectedError(`the upstream answered ${response.status}`);
  try {
    return JSON.parse(Buffer.from(body).toString('utf8')) as unknown;
  } catch {
    throw new ConnectorUnavailableError('the upstream answer is not JSON');
  }
}
