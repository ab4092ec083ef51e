/** A configuration value is wrong. The message names the key as the operator wrote it (env var or file key). */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly code = 'ERR_CONFIG';
  constructor(
    /** The key as written in its source: `LATCHKEY_PORT`, `keys.jwksMaxAge (in latchkey.yaml)`, `port`. */
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
  }
}
