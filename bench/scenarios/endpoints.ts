/** Stateless GETs every relying party and API makes: the discovery document and the key set. */
import type { Scenario } from './scenario.js';

export const discovery: Scenario = {
  kind: 'load',
  name: 'discovery',
  title: 'Discovery (GET /.well-known/openid-configuration)',
  unit: 'req/s',
  cases: [
    {
      label: 'discovery',
      prepare: async (server, { seconds, connections }) => ({
        kind: 'http',
        url: server.discoveryUrl,
        method: 'GET',
        headers: {},
        connections,
        seconds,
      }),
    },
  ],
};

export const jwks: Scenario = {
  kind: 'load',
  name: 'jwks',
  title: 'JWKS (GET jwks_uri)',
  unit: 'req/s',
  cases: [
    {
      label: 'jwks',
      prepare: async (server, { seconds, connections }) => ({
        kind: 'http',
        url: server.discovery.jwks_uri,
        method: 'GET',
        headers: {},
        connections,
        seconds,
      }),
    },
  ],
};
