export {
  createKeyManager,
  KEY_ROTATION_LEASE,
  type KeyInfo,
  type KeyManager,
  type KeyManagerDeps,
  KeysNotLoadedError,
  type RotationResult,
} from './key-manager.js';
export { assertPublishableJwks, UnpublishableJwksError } from './publishable-jwks.js';
export { buildJwks, type SerializedDocument, serializeDocument } from './published-key-set.js';
export {
  type ForcedRotationOptions,
  type PlannedChange,
  planForcedRotation,
  planScheduledChange,
  RotationRefusedError,
  VERIFIER_LEEWAY_SECONDS,
} from './schedule.js';
export { createSealer, type Sealer, SealingError } from './sealing.js';
