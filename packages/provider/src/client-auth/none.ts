import type { ClientAuthMethod } from './method.js';

/** OIDC Core §9: a public client sends only its client_id (and proves possession with PKCE). */
export const noClientAuth = {
  method: 'none',
  usesSecret: false,
  forPublicClients: true,
  requiresClientKeys: false,
  implemented: false,
} as const satisfies ClientAuthMethod;
