import type { Kysely, Selectable, Updateable } from '@latchkey/store';
import { deleteBatchBefore } from './lib/batches.js';
import { changedRows, fromJsonColumn, toJsonColumn } from './lib/columns.js';
import { mapConflict } from './lib/conflict.js';
import { retryingSerializationFailures } from './lib/retry.js';
import { DEVICE_USER_CODE_INDEX, type DeviceCodesTable, type ProviderSchema } from './schema.js';
import type { DeviceCodeRecord, DeviceCodeStatus, DeviceCodeStore } from './types.js';

/** Polls of one device code racing each other are rare; a compare-and-set that keeps losing is a bug. */
const MAX_POLL_ATTEMPTS = 5;

export function createDeviceCodeStore(db: Kysely<ProviderSchema>): DeviceCodeStore {
  const read = (deviceCodeHash: string) =>
    db
      .selectFrom('device_codes')
      .selectAll()
      .where('device_code_hash', '=', deviceCodeHash)
      .executeTakeFirst();

  /**
   * Moves a live code (unexpired at `at`) from one status to the next. One conditional UPDATE with the
   * row count checked (DESIGN rule 7): of two concurrent callers exactly one moves it.
   */
  const transition = (
    column: 'user_code' | 'device_code_hash',
    value: string,
    from: DeviceCodeStatus,
    changes: Updateable<DeviceCodesTable> & { status: DeviceCodeStatus },
    at: number,
  ) =>
    retryingSerializationFailures(async () => {
      const result = await db
        .updateTable('device_codes')
        .set(changes)
        .where(column, '=', value)
        .where('status', '=', from)
        .where('expires_at', '>', at)
        .executeTakeFirst();
      return changedRows(result) === 1;
    });

  /**
   * Sets lastPolledAt (and interval) only if the row is still as it was read, so of two concurrent polls
   * the second gets the row as the first left it: it sees the first one's poll and can answer slow_down
   * (RFC 8628 §3.5). Portable compare-and-set, no row locks (SQLite has no FOR UPDATE).
   */
  async function tryPoll(deviceCodeHash: string, at: number, interval: number | undefined) {
    const before = await read(deviceCodeHash);
    if (before === undefined) return { before };
    const updated = await db
      .updateTable('device_codes')
      .set({ last_polled_at: at, interval: interval ?? before.interval })
      .where('device_code_hash', '=', deviceCodeHash)
      .where('interval', '=', before.interval)
      .where('last_polled_at', before.last_polled_at === null ? 'is' : '=', before.last_polled_at)
      .executeTakeFirst();
    return changedRows(updated) === 1 ? { before } : undefined;
  }

  return {
    async create(code) {
      await mapConflict(
        'device code',
        (target) =>
          target.includes(DEVICE_USER_CODE_INDEX) || target === 'device_codes.user_code'
            ? 'user_code'
            : 'device_code_hash',
        // Under SERIALIZABLE, PostgreSQL reports a user code taken by a concurrent transaction as a
        // serialization failure (this one read the key first); running again reports it as taken.
        () =>
          retryingSerializationFailures(() =>
            db.transaction().execute(async (trx) => {
              // A user code is unique while it lives: an expired row still holding it (not yet removed by
              // deleteExpired) gives it up rather than make the caller generate another.
              await trx
                .deleteFrom('device_codes')
                .where('user_code', '=', code.userCode)
                .where('expires_at', '<=', code.createdAt)
                .execute();
              await trx.insertInto('device_codes').values(toRow(code)).execute();
            }),
          ),
      );
    },
    async getPendingByUserCode(userCode, now) {
      const row = await db
        .selectFrom('device_codes')
        .selectAll()
        .where('user_code', '=', userCode)
        .where('status', '=', 'pending')
        .where('expires_at', '>', now)
        .executeTakeFirst();
      return row === undefined ? undefined : fromRow(row);
    },
    async approve(userCode, approval, at) {
      const changes = {
        status: 'approved',
        user_id: approval.userId,
        grant_id: approval.grantId,
        sid: approval.sid,
        auth_time: approval.authTime,
      } as const;
      return transition('user_code', userCode, 'pending', changes, at);
    },
    async deny(userCode, at) {
      return transition('user_code', userCode, 'pending', { status: 'denied' }, at);
    },
    async poll(deviceCodeHash, at, interval) {
      for (let attempt = 0; attempt < MAX_POLL_ATTEMPTS; attempt++) {
        const polled = await retryingSerializationFailures(() => tryPoll(deviceCodeHash, at, interval));
        if (polled !== undefined) return polled.before === undefined ? undefined : fromRow(polled.before);
      }
      throw new Error(`A device code kept changing under ${MAX_POLL_ATTEMPTS} attempts to record a poll`);
    },
    async consume(deviceCodeHash, at) {
      // RFC 8628 §3.5: the device code is exchanged for tokens once; an expired one never is.
      return transition('device_code_hash', deviceCodeHash, 'approved', { status: 'consumed' }, at);
    },
    deleteExpired(before, limit) {
      return deleteBatchBefore(db, 'device_codes', 'device_code_hash', 'expires_at', before, limit);
    },
  };
}

function toRow(code: DeviceCodeRecord): DeviceCodesTable {
  return {
    device_code_hash: code.deviceCodeHash,
    user_code: code.userCode,
    client_id: code.clientId,
    scopes: toJsonColumn(code.scopes),
    resources: toJsonColumn(code.resources),
    status: code.status,
    interval: code.interval,
    last_polled_at: code.lastPolledAt,
    user_id: code.userId,
    grant_id: code.grantId,
    sid: code.sid,
    auth_time: code.authTime,
    created_at: code.createdAt,
    expires_at: code.expiresAt,
  };
}

function fromRow(row: Selectable<DeviceCodesTable>): DeviceCodeRecord {
  return {
    deviceCodeHash: row.device_code_hash,
    userCode: row.user_code,
    clientId: row.client_id,
    scopes: fromJsonColumn<string[]>(row.scopes),
    resources: fromJsonColumn<string[]>(row.resources),
    status: row.status as DeviceCodeStatus,
    interval: row.interval,
    lastPolledAt: row.last_polled_at,
    userId: row.user_id,
    grantId: row.grant_id,
    sid: row.sid,
    authTime: row.auth_time,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}
