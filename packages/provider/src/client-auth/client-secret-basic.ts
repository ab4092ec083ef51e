import type { ClientAuthMethod } from './method.js';

/** RFC 6749 §2.3.1: HTTP Basic with the form-urlencoded client id and secret. */
export const clientSecretBasic = {
  method: 'client_secret_basic',
  usesSecret: true,
  forPublicClients: false,
  requiresClientKeys: false,
  implemented: false,
} as const satisfies ClientAuthMethod;
