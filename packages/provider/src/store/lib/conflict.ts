import { uniqueViolationTarget } from '@latchkey/store';
import { StoreConflictError } from '../types.js';

/**
 * Runs a write and turns a unique violation into StoreConflictError. `fieldOf` names the field from
 * what the violation hit (a constraint or index name, or SQLite's column list).
 */
export async function mapConflict<T>(
  entity: string,
  fieldOf: (target: string) => string,
  write: () => Promise<T>,
): Promise<T> {
  try {
    return await write();
  } catch (error) {
    const target = uniqueViolationTarget(error);
    if (target === undefined) throw error;
    throw new StoreConflictError(entity, fieldOf(target));
  }
}
