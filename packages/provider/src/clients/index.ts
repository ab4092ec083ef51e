export { checkRedirectUri } from './checks.js';
export { type IssuedInitialAccessToken, issueInitialAccessToken } from './initial-access-token.js';
export { generateClientSecret, hashClientSecret, verifyClientSecret } from './secret.js';
export {
  type ClientServiceOptions,
  type CreateClientInput,
  type CreatedClient,
  createClient,
  deleteClient,
  getClient,
  listClients,
} from './service.js';
