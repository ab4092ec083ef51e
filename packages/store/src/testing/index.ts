export { type DialectContext, describeEachDialect } from './describe-each-dialect.js';
