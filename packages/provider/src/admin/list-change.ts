import { invalidInput } from './errors.js';

/**
 * A change to a list field (redirect URIs, grants, scopes, resources): replace it, or add and remove
 * values. The CLI's `--add-redirect-uri`/`--remove-redirect-uri` and the admin API's PATCH are this.
 */
export interface ListChange {
  readonly set?: readonly string[];
  readonly add?: readonly string[];
  readonly remove?: readonly string[];
}

/**
 * Applies a change: `set` first, then removals (each must be there: removing what is not there is a
 * mistake worth saying), then additions not already present. Order of the kept values is kept.
 */
export function applyListChange(
  current: readonly string[],
  change: ListChange | undefined,
  field: string,
): string[] {
  if (change === undefined) return [...current];
  let values = change.set === undefined ? [...current] : [...change.set];
  for (const value of change.remove ?? []) {
    if (!values.includes(value)) throw invalidInput(field, `${JSON.stringify(value)} is not in the list`);
    values = values.filter((v) => v !== value);
  }
  for (const value of change.add ?? []) if (!values.includes(value)) values.push(value);
  return values;
}
