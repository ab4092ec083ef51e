// @latchkey/gateway — OIDC login and token checks in front of any HTTP service. See docs/gateway.md.
export type { Identity } from './auth/identity.js';
export { GatewayConfigError } from './config/errors.js';
export type { LoadGatewayConfigOptions } from './config/load.js';
export { ENV_KEYS, loadGatewayConfig } from './config/load.js';
export type {
  GatewayConfig,
  IdentityHeaderNames,
  ProviderConfig,
  RouteConfig,
  RouteMode,
  UpstreamConfig,
} from './config/types.js';
export type { Decision, Policy, Requirement } from './policy/expression.js';
export { evaluatePolicy, parsePolicy } from './policy/expression.js';
export type { NormalizedPath } from './policy/normalize-path.js';
export { normalizePath } from './policy/normalize-path.js';
export { safeReturnUrl } from './policy/return-url.js';
export { RouteTable } from './policy/routes.js';
export type { Gateway, GatewayDeps } from './server.js';
export { createGatewayHandlers, startGateway } from './server.js';
export { KyselySessionStore } from './session/kysely-store.js';
export { GATEWAY_MIGRATIONS } from './session/migrations.js';
export type { LoginRow, SessionRow, SessionStore } from './session/store.js';
