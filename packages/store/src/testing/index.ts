export { type DialectContext, describeEachDialect } from './describe-each-dialect.js';
export { untilSessionsWaitForLocks } from './lock-waiters.js';
