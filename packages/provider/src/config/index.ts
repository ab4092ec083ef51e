export { ConfigError } from './errors.js';
export { CONFIG_FIELDS } from './fields.js';
export { type LoadConfigOptions, loadConfig } from './load.js';
export { devSecretWarning, type ResolvedSecret, resolveSecret } from './secret.js';
export type { KeysConfig, LogLevel, ProviderConfig, ProviderConfigOverrides, TokensConfig } from './types.js';
