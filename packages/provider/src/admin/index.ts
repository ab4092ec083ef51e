/**
 * The one admin service layer (DESIGN Round 2, "one admin service layer, three faces"): every change
 * to clients, users, groups, sessions, consents and signing keys goes through here, is validated here
 * and is audited here with its actor. The CLI, the admin API and the console are faces over it and
 * never touch the stores.
 */
export type { AdminActor } from './actor.js';
export { countSignIns } from './audit/count.js';
export { type AuditQuery, listAuditEvents } from './audit/events.js';
export {
  type ClientAdminStores,
  type ClientServiceOptions,
  type CreateClientInput,
  type CreatedClient,
  createClient,
} from './clients/create.js';
export { deleteClient } from './clients/delete.js';
export { pageClients } from './clients/page.js';
export { countClients, getClient, listClients, requireClient } from './clients/read.js';
export { createRegistrationToken } from './clients/registration-token.js';
export { type RotatedSecret, rotateClientSecret } from './clients/secret.js';
export { disableClient, enableClient } from './clients/status.js';
export { type UpdateClientInput, type UpdatedClient, updateClient } from './clients/update.js';
export { type ConnectorSummary, listConnectors } from './connectors/connectors.js';
export { listUserConsents, revokeUserConsent } from './consents/consents.js';
export { type AdminPage, type AdminPageQuery, DEFAULT_PAGE_LIMIT } from './cursor.js';
export { AdminError, type AdminErrorCode } from './errors.js';
export {
  ADMIN_GROUP,
  addGroupMember,
  createGroup,
  deleteGroup,
  groupMembers,
  groupsOfUser,
  listGroups,
  removeGroupMember,
} from './groups/groups.js';
export { adminUserById } from './groups/is-admin.js';
export { type KeyAdmin, listSigningKeys, type RotateKeysInput, rotateSigningKeys } from './keys/keys.js';
export type { ListChange } from './list-change.js';
export type { AdminOptions } from './options.js';
export {
  endAllUserSessions,
  endUserSession,
  listUserSessions,
  type SessionAdminDeps,
} from './sessions/sessions.js';
export {
  changeSettings,
  checkSettingName,
  readSettings,
  resetSettings,
  type SettingsAdminDeps,
  type SettingsView,
  type SettingView,
} from './settings/settings.js';
export {
  type CreateUserInput,
  createUser,
  type UserAdminStores,
  type UserServiceOptions,
} from './users/create.js';
export { deleteUser } from './users/delete.js';
export { getUserFactors, resetUserFactors, type UserFactors } from './users/factors.js';
export { pageUsers } from './users/page.js';
export { setUserPassword } from './users/password.js';
export { SETTABLE_PROFILE_CLAIMS } from './users/profile.js';
export { countUsers, listUsers, requireUser } from './users/read.js';
export { disableUser, enableUser } from './users/status.js';
export { type UpdateUserInput, updateUser } from './users/update.js';
