import { randomBytes } from 'node:crypto';
import {
  exportJwk,
  type GeneratedKeyPair,
  generateKeyPair,
  importJwk,
  type JoseKey,
  type JwsAlgorithm,
} from '@latchkey/oidc';
import type { KeysConfig } from '../config/types.js';
import { type Clock, systemClock } from '../lib/clock.js';
import { type Logger, silentLogger } from '../lib/logger.js';
import type {
  AuditStore,
  LeaseStore,
  SigningKeyRecord,
  SigningKeyState,
  SigningKeyStore,
} from '../store/types.js';
import { buildJwks, type SerializedDocument } from './published-key-set.js';
import {
  type ForcedRotationOptions,
  type PlannedChange,
  planForcedRotation,
  planScheduledChange,
  promotableAt,
  removableAt,
  rotationDueAt,
} from './schedule.js';
import { createSealer } from './sealing.js';

export const KEY_ROTATION_LEASE = 'key-rotation';

export interface KeyManagerDeps {
  readonly stores: { readonly signingKeys: SigningKeyStore; readonly leases: LeaseStore };
  readonly keys: KeysConfig;
  /** The decoded LATCHKEY_SECRET (or development secret): private keys are sealed under it. */
  readonly secret: Uint8Array;
  readonly now?: Clock;
  /** Names this instance in the lease row. Default: random. */
  readonly instanceId?: string;
  readonly logger?: Logger;
  /** Default: @latchkey/oidc's generateKeyPair. */
  readonly generateKeyPair?: (alg: JwsAlgorithm) => Promise<GeneratedKeyPair>;
  /** How long start() waits for another instance to create the first keys. Default 30 s. */
  readonly startTimeoutMs?: number;
  /** Where applied key-set changes are recorded (`keys.rotated`). Default: not recorded. */
  readonly audit?: Pick<AuditStore, 'append'>;
}

/** A key as `latchkey keys list` shows it: no key material. */
export interface KeyInfo {
  readonly kid: string;
  readonly alg: JwsAlgorithm;
  readonly state: SigningKeyState;
  readonly createdAt: number;
  readonly activatedAt: number | null;
  readonly retiredAt: number | null;
  /** next: when it may start signing; current: when it is due to rotate; retired: when it leaves the JWKS. */
  readonly nextEventAt: number | null;
}

export interface RotationResult {
  /** False when another instance changed the key set first (nothing was applied). */
  readonly applied: boolean;
  readonly reasons: readonly string[];
}

export interface KeyManager {
  readonly algorithms: readonly JwsAlgorithm[];
  /** Creates the first keys if the store has none, loads the key set, and starts the timers. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** One tick: do the scheduled work if this instance holds the lease, then reload the key set. */
  refresh(): Promise<void>;
  /** The current signing key for `alg`, from memory. Throws when none is loaded. */
  signingKey(alg: JwsAlgorithm): JoseKey;
  /** The serialized JWKS and its ETag, recomputed only when the key set changes. */
  jwks(): SerializedDocument;
  /** True once every configured algorithm has a current key in memory. */
  isReady(): boolean;
  /** When each algorithm's current key started signing (epoch seconds), from memory: for the key-age metric. */
  signingKeyActivations(): ReadonlyMap<JwsAlgorithm, number>;
  /** Every key not yet removed, read from the store. */
  list(): Promise<KeyInfo[]>;
  /** force: promote the published `next` now (see planForcedRotation); otherwise run the schedule once. */
  rotate(options?: ForcedRotationOptions & { readonly force?: boolean }): Promise<RotationResult>;
}

export class KeysNotLoadedError extends Error {
  override readonly name = 'KeysNotLoadedError';
  readonly code = 'ERR_KEYS_NOT_LOADED';
}

/**
 * The key manager (DESIGN "Keys and rotation"). Every instance reloads the key set from the store every
 * keys.reloadInterval; the instance holding the `key-rotation` lease also applies the schedule. Every
 * change goes through signingKeys.applyChange, whose preconditions make racing instances produce
 * exactly one change.
 */
export function createKeyManager(deps: KeyManagerDeps): KeyManager {
  const now = deps.now ?? systemClock;
  const logger = deps.logger ?? silentLogger;
  const config = deps.keys;
  const instanceId = deps.instanceId ?? `instance-${randomBytes(9).toString('base64url')}`;
  const generate = deps.generateKeyPair ?? ((alg: JwsAlgorithm) => generateKeyPair(alg));
  const sealer = createSealer(deps.secret);
  const leaseTtl = Math.max(15, config.reloadInterval * 3);
  const { signingKeys, leases } = deps.stores;

  let fingerprint: string | undefined;
  let jwksDocument: SerializedDocument | undefined;
  let signing = new Map<JwsAlgorithm, JoseKey>();
  let activations = new Map<JwsAlgorithm, number>();
  /** Decrypted private keys by kid: each key is unsealed and imported once, not per request or reload. */
  let privateKeys = new Map<string, JoseKey>();
  let timer: NodeJS.Timeout | undefined;
  let inFlight: Promise<void> | undefined;

  async function materialize(plan: PlannedChange, at: number): Promise<SigningKeyRecord[]> {
    const records: SigningKeyRecord[] = [];
    for (const { alg, state } of plan.create) {
      const pair = await generate(alg);
      const kid = pair.privateKey.kid!;
      const privateJwk = JSON.stringify(exportJwk(pair.privateKey, { includePrivate: true }));
      records.push({
        kid,
        alg,
        state,
        publicJwk: exportJwk(pair.publicKey),
        encryptedPrivateKey: sealer.seal(privateJwk, { kid, alg }),
        createdAt: at,
        activatedAt: state === 'current' ? at : null,
        retiredAt: null,
      });
    }
    return records;
  }

  /**
   * Applies a plan. A change that only inserts has no precondition a racing instance could fail, so it
   * is made only under the lease (the store's one-current-key index is the second guard).
   */
  async function apply(
    plan: PlannedChange,
    at: number,
    holdsLease: boolean,
    trigger: 'schedule' | 'forced',
  ): Promise<RotationResult> {
    if (plan.transitions.length === 0 && !holdsLease) {
      holdsLease = await leases.tryAcquire(KEY_ROTATION_LEASE, instanceId, at, leaseTtl);
      if (!holdsLease) return { applied: false, reasons: ['another instance holds the key-rotation lease'] };
    }
    const insert = await materialize(plan, at);
    const applied = await signingKeys.applyChange({ insert, transitions: plan.transitions, at });
    if (applied) {
      logger.info({ changes: plan.reasons }, 'signing key set changed');
      await recordChange(plan, at, trigger);
      await reload();
    } else {
      logger.info({ changes: plan.reasons }, 'another instance changed the signing key set first');
    }
    return { applied, reasons: plan.reasons };
  }

  /** The change is committed already: a failed audit write is logged, never turned into a failed rotation. */
  async function recordChange(
    plan: PlannedChange,
    at: number,
    trigger: 'schedule' | 'forced',
  ): Promise<void> {
    await deps.audit
      ?.append({ type: 'keys.rotated', at, details: { trigger, changes: plan.reasons, instanceId } })
      .catch((error: unknown) => logger.warn({ err: error }, 'could not record the key-set change'));
  }

  async function reload(): Promise<void> {
    const records = await signingKeys.list();
    const print = records.map((r) => `${r.kid}:${r.state}`).join(',');
    if (print === fingerprint) return;
    const nextSigning = new Map<JwsAlgorithm, JoseKey>();
    const nextPrivate = new Map<string, JoseKey>();
    const nextActivations = new Map<JwsAlgorithm, number>();
    for (const record of records) {
      if (record.state !== 'current') continue;
      const key = privateKeys.get(record.kid) ?? unseal(record);
      nextPrivate.set(record.kid, key);
      nextSigning.set(record.alg, key);
      nextActivations.set(record.alg, record.activatedAt ?? record.createdAt);
    }
    // Built and checked before anything is swapped: a bad set never replaces a good one.
    const nextJwks = buildJwks(records);
    signing = nextSigning;
    activations = nextActivations;
    privateKeys = nextPrivate;
    jwksDocument = nextJwks;
    fingerprint = print;
  }

  function unseal(record: SigningKeyRecord): JoseKey {
    const jwk = JSON.parse(sealer.open(record.encryptedPrivateKey, { kid: record.kid, alg: record.alg }));
    return importJwk(jwk, { alg: record.alg, kid: record.kid });
  }

  async function tick(): Promise<void> {
    const at = now();
    const holdsLease = await leases.tryAcquire(KEY_ROTATION_LEASE, instanceId, at, leaseTtl);
    if (holdsLease) {
      const plan = planScheduledChange(await signingKeys.list(), config, at);
      if (plan) await apply(plan, at, true, 'schedule');
    }
    await reload();
  }

  const manager: KeyManager = {
    algorithms: config.algorithms,

    refresh() {
      // One tick at a time: a slow database never stacks up overlapping ticks.
      inFlight ??= tick().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },

    async start() {
      const deadline = Date.now() + (deps.startTimeoutMs ?? 30_000);
      await manager.refresh();
      // Another instance holds the lease and is creating the first keys: wait for them.
      while (!manager.isReady()) {
        if (Date.now() > deadline) {
          throw new KeysNotLoadedError(
            `No current signing key for ${missing().join(', ')}: another instance holds the key-rotation lease but has not created them`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
        await manager.refresh();
      }
      timer ??= setInterval(() => {
        manager
          .refresh()
          .catch((error: unknown) => logger.error({ err: error }, 'signing key refresh failed'));
      }, config.reloadInterval * 1000);
      timer.unref();
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await inFlight?.catch(() => {});
      await leases.release(KEY_ROTATION_LEASE, instanceId).catch(() => {});
    },

    signingKey(alg) {
      const key = signing.get(alg);
      if (!key) throw new KeysNotLoadedError(`No current signing key for ${alg}`);
      return key;
    },

    jwks() {
      if (!jwksDocument) throw new KeysNotLoadedError('The signing key set has not been loaded');
      return jwksDocument;
    },

    isReady() {
      return jwksDocument !== undefined && missing().length === 0;
    },

    signingKeyActivations() {
      return activations;
    },

    async list() {
      return (await signingKeys.list()).map((r) => ({
        kid: r.kid,
        alg: r.alg,
        state: r.state,
        createdAt: r.createdAt,
        activatedAt: r.activatedAt,
        retiredAt: r.retiredAt,
        nextEventAt:
          r.state === 'next'
            ? promotableAt(r, config)
            : r.state === 'current'
              ? rotationDueAt(r, config)
              : r.state === 'retired'
                ? removableAt(r, config)
                : null,
      }));
    },

    async rotate(options = {}) {
      const at = now();
      const records = await signingKeys.list();
      const plan = options.force
        ? planForcedRotation(records, config, at, options)
        : planScheduledChange(records, config, at);
      if (!plan) return { applied: false, reasons: ['the key set is up to date'] };
      return apply(plan, at, false, options.force ? 'forced' : 'schedule');
    },
  };

  function missing(): JwsAlgorithm[] {
    return config.algorithms.filter((alg) => !signing.has(alg));
  }

  return manager;
}
