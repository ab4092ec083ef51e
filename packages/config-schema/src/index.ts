export { type Annotated, type Checked, checkValue } from './check.js';
export { closest } from './closest.js';
export { parseDuration } from './duration.js';
export type { Frozen } from './frozen.js';
export {
  addressRangeProblem,
  addressRanges,
  anyDuration,
  boolean,
  duration,
  integer,
  json,
  list,
  oneOf,
  parsedBy,
  refined,
} from './kinds.js';
