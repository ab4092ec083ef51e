import type { JwsAlgorithm } from '@latchkey/oidc';
import type { KeyInfo, KeyManager } from '../../keys/key-manager.js';
import { RotationRefusedError } from '../../keys/schedule.js';
import type { AuditStore } from '../../store/types.js';
import { conflict } from '../errors.js';
import { type AdminOptions, nowOf, recordAdminEvent } from '../options.js';

/** What the faces need of the key manager to show and rotate keys. */
export type KeyAdmin = Pick<KeyManager, 'list' | 'rotate'>;

/** Every signing key not yet removed, with its state and next event (no key material). */
export function listSigningKeys(keys: Pick<KeyManager, 'list'>): Promise<KeyInfo[]> {
  return keys.list();
}

export interface RotateKeysInput {
  /** Default: every configured algorithm. */
  readonly algorithms?: readonly JwsAlgorithm[];
  /**
   * Emergency only: promote a `next` key published for less than one JWKS cache lifetime. Without it
   * the pre-publication guard (DESIGN "Keys and rotation") refuses, naming when it may run.
   */
  readonly ignorePublicationDelay?: boolean;
}

/**
 * Forces a rotation, as `latchkey keys rotate` does: the published `next` key starts signing and a new
 * `next` is made (audited `admin.keys.rotated` with the actor, besides the key manager's own
 * `keys.rotated`). A refusal of the guard, or another instance changing the key set at the same
 * moment, is ERR_CONFLICT with the reason.
 */
export async function rotateSigningKeys(
  deps: { readonly keys: Pick<KeyManager, 'rotate'>; readonly audit: AuditStore },
  input: RotateKeysInput = {},
  options: AdminOptions = {},
): Promise<{ reasons: readonly string[] }> {
  let result: Awaited<ReturnType<KeyManager['rotate']>>;
  try {
    result = await deps.keys.rotate({
      force: true,
      ...(input.algorithms === undefined ? {} : { algorithms: input.algorithms }),
      ignorePublicationDelay: input.ignorePublicationDelay === true,
    });
  } catch (error) {
    if (error instanceof RotationRefusedError) throw conflict('keys', error.message);
    throw error;
  }
  if (!result.applied)
    throw conflict('keys', 'another instance changed the key set at the same moment; retry');
  await recordAdminEvent(deps, options, {
    type: 'admin.keys.rotated',
    at: nowOf(options),
    details: { changes: result.reasons, ignorePublicationDelay: input.ignorePublicationDelay === true },
  });
  return { reasons: result.reasons };
}
