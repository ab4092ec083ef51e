/**
 * RFC 6749 §4.4 client_credentials with a JWT access token (RFC 9068): the provider's hot path. Latchkey
 * picks the algorithm with tokens.accessTokenAlg; the peer with its resource server's `jwt.sign.alg`,
 * per service client. Both authenticate the client with client_secret_basic.
 */
import { API_RESOURCE, basicAuth } from '../lib/fixtures.js';
import type { Scenario } from './scenario.js';

function clientCredentials(alg: 'ES256' | 'RS256', measuresMemory: boolean): Scenario {
  return {
    kind: 'load',
    name: `client-credentials-${alg.toLowerCase()}`,
    title: `Token endpoint, client_credentials, ${alg} JWT access token`,
    unit: 'req/s',
    latchkeyEnv: { LATCHKEY_TOKENS_ACCESS_TOKEN_ALG: alg },
    floorEnv: { FLOOR_ALG: alg },
    measuresMemory,
    cases: [
      {
        label: `client_credentials ${alg}`,
        prepare: async (server, { seconds, connections }) => ({
          kind: 'http',
          url: server.discovery.token_endpoint,
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            authorization: basicAuth(server.ready.service[alg]),
          },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            scope: 'api',
            resource: API_RESOURCE,
          }).toString(),
          connections,
          seconds,
        }),
      },
    ],
  };
}

export const clientCredentialsEs256 = clientCredentials('ES256', true);
export const clientCredentialsRs256 = clientCredentials('RS256', false);
