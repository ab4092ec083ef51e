export { hashPassword, PASSWORD_HASH_OPTIONS, verifyPassword } from './password.js';
export {
  type CreateUserInput,
  createUser,
  disableUser,
  listUsers,
  setUserPassword,
  type UserServiceOptions,
  verifyUserPassword,
} from './service.js';
