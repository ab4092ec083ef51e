/** A gateway configuration value is wrong. The message names the key as the operator wrote it. */
export class GatewayConfigError extends Error {
  override readonly name = 'GatewayConfigError';
  readonly code = 'ERR_GATEWAY_CONFIG';
  constructor(
    /** `routes[2].policy`, `LATCHKEY_GATEWAY_COOKIE_SECRET`, `listen.port (in gateway.yaml)`. */
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
  }
}
