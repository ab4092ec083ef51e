/**
 * The configuration types, derived from the schemas (schema.ts) so a setting is declared once.
 * Everything is read-only: the config is loaded once and shared.
 */

import type { Frozen } from '@latchkey/config-schema';
import type { Static } from 'typebox/type';
import type {
  AdminApiSchema,
  AuthorizationSchema,
  ClientsSchema,
  DeviceSchema,
  EmailSchema,
  HttpSchema,
  KeysSchema,
  LoggingSchema,
  MetricsSchema,
  OutboundSchema,
  PasswordsSchema,
  ProviderConfigSchema,
  RegistrationSchema,
  SessionSchema,
  TokensSchema,
  UiSchema,
} from './schema.js';

type Settings = Static<typeof ProviderConfigSchema>;

/** The provider's whole configuration: one typed object, validated when loaded (DESIGN rule 10). */
export type ProviderConfig = Frozen<Settings> & {
  /**
   * True when no issuer was configured: the issuer is the development issuer http://localhost:<port>,
   * and startProvider makes it name the port actually listened on (port 0 picks one).
   */
  readonly issuerFollowsPort: boolean;
};

export type LogLevel = Settings['logging']['level'];
/** Signing keys and their rotation schedule (DESIGN "Keys and rotation"). Durations in seconds. */
export type KeysConfig = Frozen<Static<typeof KeysSchema>>;
export type LoggingConfig = Frozen<Static<typeof LoggingSchema>>;
export type SessionConfig = Frozen<Static<typeof SessionSchema>>;
export type PasswordsConfig = Frozen<Static<typeof PasswordsSchema>>;
export type AuthorizationConfig = Frozen<Static<typeof AuthorizationSchema>>;
export type UiConfig = Frozen<Static<typeof UiSchema>>;
export type TokensConfig = Frozen<Static<typeof TokensSchema>>;
export type DeviceConfig = Frozen<Static<typeof DeviceSchema>>;
export type ClientsConfig = Frozen<Static<typeof ClientsSchema>>;
export type AdminApiConfig = Frozen<Static<typeof AdminApiSchema>>;
export type RegistrationConfig = Frozen<Static<typeof RegistrationSchema>>;
export type OutboundConfig = Frozen<Static<typeof OutboundSchema>>;
export type MetricsConfig = Frozen<Static<typeof MetricsSchema>>;
export type EmailConfig = Frozen<Static<typeof EmailSchema>>;
export type HttpConfig = Frozen<Static<typeof HttpSchema>>;
export type AuditConfig = ProviderConfig['audit'];
export type SelfRegistrationConfig = ProviderConfig['selfRegistration'];
export type MfaConfig = ProviderConfig['mfa'];

/** The sections of the config; overrides (CLI flags) may set any subset of each. */
type Section = {
  [K in keyof Settings]-?: Settings[K] extends unknown[] ? never : Settings[K] extends object ? K : never;
}[keyof Settings];

/** What may be overridden (CLI flags): any subset, nested one level for the sections. */
export type ProviderConfigOverrides = Partial<Omit<ProviderConfig, 'issuerFollowsPort' | Section>> & {
  readonly [K in Section]?: Partial<ProviderConfig[K]>;
};
