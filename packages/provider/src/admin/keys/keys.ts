import type { KeyInfo, KeyManager, RotationResult } from '../../keys/key-manager.js';
import type { ForcedRotationOptions } from '../../keys/schedule.js';
import type { AuditStore } from '../../store/types.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';

export type KeyAdmin = Pick<KeyManager, 'list' | 'rotate'>;

/** Every signing key not yet removed, with its state and its next scheduled event; no key material. */
export function listSigningKeys(keys: KeyAdmin): Promise<KeyInfo[]> {
  return keys.list();
}

/**
 * Forces a rotation as `latchkey keys rotate` does: the published `next` key starts signing, under the
 * pre-publication guard (RotationRefusedError while `next` is younger than one JWKS cache lifetime,
 * unless ignorePublicationDelay). Audited `admin.keys.rotated` with the actor, when applied.
 */
export async function rotateSigningKeys(
  stores: { readonly audit: AuditStore },
  keys: KeyAdmin,
  input: ForcedRotationOptions = {},
  options: AdminOptions = {},
): Promise<RotationResult> {
  const result = await keys.rotate({ ...input, force: true });
  if (result.applied) {
    await recordAdminEvent(stores, options, {
      type: 'admin.keys.rotated',
      at: nowOf(options),
      details: {
        reasons: result.reasons,
        ignorePublicationDelay: input.ignorePublicationDelay === true,
      },
    });
  }
  return result;
}
