export { checkRedirectUri } from './checks.js';
export { endpointClients } from './endpoint-view.js';
export { generateClientSecret, hashClientSecret, verifyClientSecret } from './secret.js';
