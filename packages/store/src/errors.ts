/** SQLite result codes (https://www.sqlite.org/rescode.html) and the PostgreSQL SQLSTATE for a unique violation. */
const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY']);
const PG_UNIQUE_VIOLATION = '23505';
/** serialization_failure and deadlock_detected: the transaction lost a race and was rolled back. */
const PG_RETRYABLE = new Set(['40001', '40P01']);
const SQLITE_UNIQUE_MESSAGE = /^UNIQUE constraint failed: (.*)$/;

/** True when a database error is a unique (or primary key) violation, on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && (code === PG_UNIQUE_VIOLATION || SQLITE_UNIQUE_CODES.has(code));
}

/**
 * Names what a unique violation hit, so a store can tell which field was taken: the constraint or index
 * name on PostgreSQL (`users_pkey`, `users_username_lower`), the column list or index on SQLite
 * (`users.id`, `index 'users_username_lower'`). Undefined when the error is not a unique violation.
 */
export function uniqueViolationTarget(error: unknown): string | undefined {
  if (!isUniqueViolation(error)) return undefined;
  const { constraint, message } = error as { constraint?: unknown; message?: unknown };
  if (typeof constraint === 'string') return constraint;
  if (typeof message === 'string') return SQLITE_UNIQUE_MESSAGE.exec(message)?.[1] ?? message;
  return undefined;
}

/**
 * True when PostgreSQL (or CockroachDB, which runs every transaction SERIALIZABLE) aborted a transaction
 * because a concurrent one conflicted with it. A compare-and-set store reads that as "someone else won".
 */
export function isSerializationFailure(error: unknown): boolean {
  const code = errorCode(error);
  return code !== undefined && PG_RETRYABLE.has(code);
}

function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}
