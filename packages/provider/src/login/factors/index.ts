import type { LoginFactor } from './factor.js';
import { passwordFactor } from './password.js';

export type { Credentials, LoginFactor } from './factor.js';

/** The factors the sign-in form offers, first one first. */
export const LOGIN_FACTORS: readonly LoginFactor[] = [passwordFactor];
