import { randomBytes } from 'node:crypto';
import { generateClientSecret, hashClientSecret } from '../../clients/secret.js';
import type { AuditStore, ClientRecord, ClientStore } from '../../store/types.js';
import { invalidInput, notFound } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';
import { requireClient } from './read.js';

/** Longest overlap of an old and a new secret: a redeploy takes hours, not months. */
export const MAX_SECRET_OVERLAP = 30 * 24 * 3600;

export interface RotatedSecret {
  readonly client: ClientRecord;
  /** The new secret: shown once, stored as a hash. */
  readonly secret: string;
  /** Until when the old secret still works (epoch seconds), or null when it stopped at once. */
  readonly oldSecretExpiresAt: number | null;
}

/**
 * Gives a client a new secret (audited `admin.client.secret_rotated`, without either secret). With
 * `keepOldFor` seconds the old secret keeps working that long, stored hashed with its expiry, so apps
 * can move to the new one without an outage; a secret kept from an earlier rotation is dropped (one
 * previous secret at a time). Without it, the old secret stops at once (a leaked secret).
 */
export async function rotateClientSecret(
  stores: { readonly clients: ClientStore; readonly audit: AuditStore },
  clientId: string,
  input: { readonly keepOldFor?: number } = {},
  options: AdminOptions = {},
): Promise<RotatedSecret> {
  const keepOldFor = input.keepOldFor ?? 0;
  if (!Number.isSafeInteger(keepOldFor) || keepOldFor < 0 || keepOldFor > MAX_SECRET_OVERLAP) {
    throw invalidInput('keepOldFor', `must be a duration from 0s to ${MAX_SECRET_OVERLAP / 86400}d`);
  }
  const current = await requireClient(stores, clientId);
  if (current.secretHash === null) {
    throw invalidInput(
      'clientId',
      `client ${JSON.stringify(clientId)} authenticates with ${current.tokenEndpointAuthMethod}: it has no secret to rotate`,
    );
  }
  const at = nowOf(options);
  const secret = generateClientSecret(options.random ?? randomBytes);
  const oldSecretExpiresAt = keepOldFor > 0 ? at + keepOldFor : null;
  const client: ClientRecord = {
    ...current,
    secretHash: hashClientSecret(secret),
    previousSecret:
      oldSecretExpiresAt === null ? null : { hash: current.secretHash, expiresAt: oldSecretExpiresAt },
    updatedAt: at,
  };
  if (!(await stores.clients.update(client))) {
    throw notFound('clientId', `No client with id ${JSON.stringify(clientId)}`);
  }
  await recordAdminEvent(stores, options, {
    type: 'admin.client.secret_rotated',
    at,
    clientId,
    details: { oldSecretExpiresAt },
  });
  return { client, secret, oldSecretExpiresAt };
}
