// @latchkey/provider — the public API (the `latchkey` CLI is built on it). Documented in README.md.

export * from './admin/index.js';
export { createProviderApp, type ProviderAppDeps } from './app.js';
export { CLIENT_AUTH_METHODS, type ClientAuthMethod } from './client-auth/index.js';
export {
  type IssuedInitialAccessToken,
  issueInitialAccessToken,
  verifyClientSecret,
} from './clients/index.js';
export {
  CONFIG_FIELDS,
  ConfigError,
  devSecretWarning,
  type KeysConfig,
  type LoadConfigOptions,
  type LogLevel,
  loadConfig,
  type ProviderConfig,
  type ProviderConfigOverrides,
  type ResolvedSecret,
  resolveSecret,
} from './config/index.js';
export * from './errors/index.js';
export { GRANTS, type GrantDefinition } from './grants/index.js';
export {
  assertPublishableJwks,
  type KeyInfo,
  type KeyManager,
  KeysNotLoadedError,
  RotationRefusedError,
  type RotationResult,
  SealingError,
  UnpublishableJwksError,
} from './keys/index.js';
export type { Clock } from './lib/clock.js';
export { createLogger } from './lib/create-logger.js';
export { parseDuration } from './lib/duration.js';
export { checkPortFree, PortUnavailableError } from './lib/free-port.js';
export { formatSettingValue } from './settings/format.js';
export { createLiveSettings, type LiveSettings, SETTINGS_RELOAD_INTERVAL } from './settings/live.js';
export { RUNTIME_SETTINGS, type RuntimeSetting, type RuntimeSettingKind } from './settings/table.js';
export {
  createKeyManager,
  migrateProvider,
  type OpenKeyManagerOptions,
  type RunningProvider,
  type StartProviderOptions,
  startProvider,
} from './start.js';
export {
  type OpenedProviderStores,
  type OpenProviderStoresOptions,
  openProviderStores,
} from './store/index.js';
export type {
  AuditEvent,
  ClientRecord,
  GroupRecord,
  MfaPolicy,
  ProviderStores,
  SigningKeyRecord,
  SigningKeyState,
  TokenEndpointAuthMethod,
  UserProfileClaims,
  UserRecord,
} from './store/types.js';
export {
  checkNewPassword,
  isCommonPassword,
  type PasswordPolicy,
  verifyUserPassword,
} from './users/index.js';
