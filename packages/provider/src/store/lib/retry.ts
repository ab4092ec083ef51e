import { isSerializationFailure } from '@latchkey/store';

/** A statement that keeps losing races three times in a row is not losing by chance. */
const ATTEMPTS = 3;

/**
 * Runs a conditional write again when the database aborted it for racing another transaction.
 * PostgreSQL at READ COMMITTED re-checks a conditional UPDATE's WHERE against the row the winner
 * committed; under SERIALIZABLE (CockroachDB always, PostgreSQL when configured) the loser fails with a
 * serialization failure instead. Running the statement again gives it the answer READ COMMITTED would
 * have: the row as the winner left it (a replayed code, an ended session). Only for writes that are
 * safe to repeat, i.e. conditional on the state they change.
 */
export async function retryingSerializationFailures<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      if (attempt >= ATTEMPTS || !isSerializationFailure(error)) throw error;
    }
  }
}

/**
 * As retryingSerializationFailures, for limits: a hundred attempts at one key under SERIALIZABLE can
 * keep losing; the last loss answers `strict` (refused, nothing given back), never an error page.
 */
export async function retryingOrStrict<T, S>(strict: S, write: () => Promise<T>): Promise<T | S> {
  try {
    return await retryingSerializationFailures(write);
  } catch (error) {
    if (isSerializationFailure(error)) return strict;
    throw error;
  }
}
