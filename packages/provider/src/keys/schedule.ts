/**
 * The rotation schedule as pure functions: given the stored key set, the configuration and the time,
 * what change is due? No I/O and no key generation here, so every rule is tested with plain data.
 * DESIGN "Keys and rotation"; K5 (OIDC Core §10.1.1).
 */
import type { JwsAlgorithm } from '@latchkey/oidc';
import type { KeysConfig } from '../config/types.js';
import type { SigningKeyRecord, SigningKeyState } from '../store/types.js';

/**
 * Verifiers accept a token up to this long after its `exp` (their leeway, J17: at most 60 s), so a
 * retired key stays published that much longer than the longest token lifetime.
 */
export const VERIFIER_LEEWAY_SECONDS = 60;

export interface KeyTransition {
  readonly kid: string;
  readonly from: SigningKeyState;
  readonly to: SigningKeyState;
}

/** A change to make: transitions of existing keys, and new keys to generate in a given state. */
export interface PlannedChange {
  readonly transitions: readonly KeyTransition[];
  readonly create: readonly { readonly alg: JwsAlgorithm; readonly state: 'current' | 'next' }[];
  /** One line per step, for the log and the CLI. */
  readonly reasons: readonly string[];
}

export type ScheduleConfig = Pick<
  KeysConfig,
  'algorithms' | 'rotationInterval' | 'jwksMaxAge' | 'maxTokenLifetime' | 'reloadInterval'
>;

/** When a `next` key may start signing: published for one JWKS cache lifetime, plus one reload so every instance serves it. */
export function promotableAt(next: SigningKeyRecord, config: ScheduleConfig): number {
  return next.createdAt + config.jwksMaxAge + config.reloadInterval;
}

/** When a retired key may leave the JWKS: every token it signed has expired (plus verifier leeway). */
export function removableAt(retired: SigningKeyRecord, config: ScheduleConfig): number {
  return (retired.retiredAt ?? retired.createdAt) + config.maxTokenLifetime + VERIFIER_LEEWAY_SECONDS;
}

/** When the current key is due to hand over to `next`. */
export function rotationDueAt(current: SigningKeyRecord, config: ScheduleConfig): number {
  return (current.activatedAt ?? current.createdAt) + config.rotationInterval;
}

/** The change the schedule calls for now, or undefined when the key set is as it should be. */
export function planScheduledChange(
  records: readonly SigningKeyRecord[],
  config: ScheduleConfig,
  now: number,
): PlannedChange | undefined {
  const plan = new PlanBuilder();
  for (const alg of config.algorithms) {
    const { current, next } = lineage(records, alg);
    if (current === undefined && next === undefined) {
      // Bootstrap: the very first key cannot have been pre-published; nobody holds a token yet.
      plan.create(alg, 'current', `${alg}: no keys, creating the first current key`);
      plan.create(alg, 'next', `${alg}: creating the next key`);
    } else if (current === undefined) {
      plan.promote(next!, `${alg}: no current key, promoting next ${next!.kid}`);
      plan.create(alg, 'next', `${alg}: creating the next key`);
    } else if (next === undefined) {
      plan.create(alg, 'next', `${alg}: no next key, creating one`);
    } else if (now >= rotationDueAt(current, config) && now >= promotableAt(next, config)) {
      plan.rotate(current, next, `${alg}: scheduled rotation`);
    }
  }
  for (const key of records) {
    if (key.state === 'retired' && now >= removableAt(key, config)) {
      plan.transition(key, 'removed', `${key.alg}: retired key ${key.kid} outlived its tokens, removing it`);
    }
    // An algorithm dropped from the configuration stops signing; its keys age out like any retired key.
    if (!config.algorithms.includes(key.alg)) {
      if (key.state === 'current')
        plan.transition(key, 'retired', `${key.alg}: no longer configured, retiring ${key.kid}`);
      if (key.state === 'next')
        plan.transition(key, 'removed', `${key.alg}: no longer configured, removing next ${key.kid}`);
    }
  }
  return plan.build();
}

export class RotationRefusedError extends Error {
  override readonly name = 'RotationRefusedError';
  readonly code = 'ERR_ROTATION_REFUSED';
  constructor(
    message: string,
    /** Set when only the publication delay stands in the way: when it may run without forcing it. */
    readonly retryAt?: number,
  ) {
    super(message);
  }
}

export interface ForcedRotationOptions {
  /** Default: every configured algorithm. */
  readonly algorithms?: readonly JwsAlgorithm[];
  /**
   * Promote a `next` key even if it has been published for less than jwksMaxAge. Verifiers holding a
   * cached JWKS will reject tokens signed with it until their cache expires. For emergencies only.
   */
  readonly ignorePublicationDelay?: boolean;
}

/**
 * `latchkey keys rotate`: promote the already-published `next` now and make a fresh `next`, with the
 * same pre-publication guarantee as a scheduled rotation (refused while `next` is younger than
 * jwksMaxAge, unless ignorePublicationDelay).
 */
export function planForcedRotation(
  records: readonly SigningKeyRecord[],
  config: ScheduleConfig,
  now: number,
  options: ForcedRotationOptions = {},
): PlannedChange {
  const plan = new PlanBuilder();
  for (const alg of options.algorithms ?? config.algorithms) {
    if (!config.algorithms.includes(alg))
      throw new RotationRefusedError(`${alg} is not a configured signing algorithm`);
    const { current, next } = lineage(records, alg);
    if (current === undefined || next === undefined) {
      throw new RotationRefusedError(
        `${alg} has no current and next key yet; start the provider once to create them`,
      );
    }
    const ready = promotableAt(next, config);
    if (now < ready && options.ignorePublicationDelay !== true) {
      throw new RotationRefusedError(
        `${alg}: the next key ${next.kid} has been published for ${now - next.createdAt}s; ` +
          `it must be published for ${ready - next.createdAt}s (keys.jwksMaxAge + keys.reloadInterval) ` +
          `before it signs, so that verifiers' cached key sets contain it. Retry at ${new Date(ready * 1000).toISOString()}, ` +
          'or force it now (tokens it signs fail at verifiers with a stale cache until it expires).',
        ready,
      );
    }
    plan.rotate(current, next, `${alg}: forced rotation`);
  }
  return plan.build()!;
}

function lineage(records: readonly SigningKeyRecord[], alg: JwsAlgorithm) {
  const own = records.filter((r) => r.alg === alg);
  return { current: own.find((r) => r.state === 'current'), next: own.find((r) => r.state === 'next') };
}

class PlanBuilder {
  readonly #transitions: KeyTransition[] = [];
  readonly #create: { alg: JwsAlgorithm; state: 'current' | 'next' }[] = [];
  readonly #reasons: string[] = [];

  transition(key: SigningKeyRecord, to: SigningKeyState, reason: string): void {
    this.#transitions.push({ kid: key.kid, from: key.state, to });
    this.#reasons.push(reason);
  }

  promote(next: SigningKeyRecord, reason: string): void {
    this.transition(next, 'current', reason);
  }

  /** current → retired, next → current, and a fresh next. */
  rotate(current: SigningKeyRecord, next: SigningKeyRecord, reason: string): void {
    this.transition(current, 'retired', `${reason}: retiring ${current.kid}`);
    this.transition(next, 'current', `${reason}: ${next.kid} starts signing`);
    this.create(next.alg, 'next', `${reason}: creating a new next key`);
  }

  create(alg: JwsAlgorithm, state: 'current' | 'next', reason: string): void {
    this.#create.push({ alg, state });
    this.#reasons.push(reason);
  }

  build(): PlannedChange | undefined {
    if (this.#transitions.length === 0 && this.#create.length === 0) return undefined;
    return { transitions: this.#transitions, create: this.#create, reasons: this.#reasons };
  }
}
