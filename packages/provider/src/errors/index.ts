export * from './framework-errors.js';
export * from './log-error.js';
export * from './oauth-error.js';
