export { hashPassword, PASSWORD_HASH_OPTIONS, verifyPassword } from './password.js';
export {
  checkNewPassword,
  DEFAULT_PASSWORD_POLICY,
  isCommonPassword,
  MAX_PASSWORD_LENGTH,
  type PasswordPolicy,
} from './password-policy.js';
export { normalizeUsername } from './username.js';
export { verifyUserPassword } from './verify-password.js';
