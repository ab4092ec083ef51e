import { isJwsAlgorithm, type JwsAlgorithm } from '../jose/algorithms.js';

/** Checks an `algorithms` option (TypeError): a non-empty list of names from the algorithm table. */
export function checkAlgorithmsOption(value: unknown, name = 'algorithms'): readonly JwsAlgorithm[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every(isJwsAlgorithm)) {
    throw new TypeError(`${name} must be a non-empty array of supported algorithms`);
  }
  return Object.freeze([...new Set(value)]);
}
