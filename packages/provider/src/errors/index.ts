export * from './oauth-error.js';
