export { checkRedirectUri } from './checks.js';
export { endpointClients } from './endpoint-view.js';
export { type IssuedInitialAccessToken, issueInitialAccessToken } from './initial-access-token.js';
export { generateClientSecret, hashClientSecret, verifyClientSecret } from './secret.js';
