export { type ErrorResponse, errorResponse } from './error-response.js';
export * from './oauth-error.js';
