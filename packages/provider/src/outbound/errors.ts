/** Why an outbound request was refused or failed: a closed set, so callers map each to their own answer. */
export type OutboundErrorCode =
  | 'ERR_OUTBOUND_URL'
  | 'ERR_OUTBOUND_ADDRESS'
  | 'ERR_OUTBOUND_DNS'
  | 'ERR_OUTBOUND_REDIRECT'
  | 'ERR_OUTBOUND_STATUS'
  | 'ERR_OUTBOUND_CONTENT_TYPE'
  | 'ERR_OUTBOUND_TOO_LARGE'
  | 'ERR_OUTBOUND_TIMEOUT'
  | 'ERR_OUTBOUND_NETWORK'
  | 'ERR_OUTBOUND_BUDGET';

/**
 * An outbound request that did not give a usable answer. The message names the URL's host at most,
 * never a body, so it is safe to log.
 */
export class OutboundError extends Error {
  override readonly name = 'OutboundError';
  constructor(
    readonly code: OutboundErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function isOutboundError(error: unknown): error is OutboundError {
  return error instanceof OutboundError;
}
