import { verifyUserPassword } from '../../users/index.js';
import type { LoginFactor } from './factor.js';

/** Password, argon2id (users/password.ts); a dummy verification for unknown and disabled users (S2). */
export const passwordFactor = {
  amr: 'pwd',
  verify: (stores, credentials) => verifyUserPassword(stores, credentials.username, credentials.password),
} as const satisfies LoginFactor;
