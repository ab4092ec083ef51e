/**
 * Endpoints that read or consume state: every request is valid, and the state it needs is minted
 * through the real endpoints before the timed window (bench/lib/mint.ts).
 */
import { basicAuth } from '../lib/fixtures.js';
import { mintCodeExchanges, mintRefreshTokens, mintTokens } from '../lib/mint.js';
import type { Scenario } from './scenario.js';

const FORM = 'application/x-www-form-urlencoded';
/** Codes minted per Latchkey run: more than it exchanges in the timed window (BENCH_CODES). */
const CODES = Number(process.env['BENCH_CODES'] ?? 12_000);
/**
 * The peer's in-memory adapter is an LRU of 1,000 entries per model: codes minted beyond that are
 * evicted before use. So its runs get 900 codes, and end when they are spent (a shorter window).
 */
const PEER_CODES = 900;

export const codeExchange: Scenario = {
  kind: 'load',
  stateful: true,
  name: 'code-exchange',
  title: 'Authorization code exchange (PKCE, ID token + access token; each code used once)',
  unit: 'req/s',
  cases: [
    {
      label: 'authorization_code',
      prepare: async (server, { seconds, connections }) => ({
        kind: 'http',
        url: server.discovery.token_endpoint,
        method: 'POST',
        headers: { 'content-type': FORM, authorization: basicAuth(server.ready.web) },
        bodies: await mintCodeExchanges(server, server.system === 'peer' ? PEER_CODES : CODES),
        connections,
        seconds,
      }),
    },
  ],
};

export const refresh: Scenario = {
  kind: 'load',
  stateful: true,
  name: 'refresh',
  title:
    'Refresh token grant with rotation (each connection uses the refresh token the last answer returned)',
  unit: 'req/s',
  notes: [
    'Per refresh, Latchkey signs two JWTs (an ES256 access token and an RS256 ID token); oidc-provider signs one (the RS256 ID token; its access token is opaque).',
  ],
  cases: [
    {
      label: 'refresh_token (rotating)',
      prepare: async (server, { seconds, connections }) => ({
        kind: 'http',
        url: server.discovery.token_endpoint,
        method: 'POST',
        headers: { 'content-type': FORM, authorization: basicAuth(server.ready.web) },
        chain: {
          initial: (await mintTokens(server, connections)).map((tokens) => tokens.refresh_token!),
          prefix: 'grant_type=refresh_token&refresh_token=',
        },
        connections,
        seconds,
      }),
    },
  ],
};

export const userinfo: Scenario = {
  kind: 'load',
  stateful: true,
  name: 'userinfo',
  title: 'UserInfo (GET with a Bearer access token from the code flow)',
  unit: 'req/s',
  cases: [
    {
      label: 'userinfo',
      prepare: async (server, { seconds, connections }) => {
        const [tokens] = await mintTokens(server, 1);
        return {
          kind: 'http',
          url: server.discovery.userinfo_endpoint,
          method: 'GET',
          headers: { authorization: `Bearer ${tokens!.access_token}` },
          connections,
          seconds,
        };
      },
    },
  ],
};

export const introspection: Scenario = {
  kind: 'load',
  stateful: true,
  name: 'introspection',
  title: "Introspection (RFC 7662) of the code flow's access token, client_secret_basic",
  unit: 'req/s',
  cases: [
    {
      label: 'introspect access token',
      prepare: async (server, { seconds, connections }) => {
        const [tokens] = await mintTokens(server, 1);
        return {
          kind: 'http',
          url: server.discovery.introspection_endpoint,
          method: 'POST',
          headers: { 'content-type': FORM, authorization: basicAuth(server.ready.web) },
          body: `token=${encodeURIComponent(tokens!.access_token)}`,
          connections,
          seconds,
        };
      },
    },
  ],
};

/** Refresh tokens minted per revocation run, each revoked once; the run ends when they are spent. */
const REVOCATIONS = Number(process.env['BENCH_REVOCATIONS'] ?? 400);

export const revocation: Scenario = {
  kind: 'load',
  stateful: true,
  name: 'revocation',
  title: 'Revocation (RFC 7009) of refresh tokens, each revoked once, client_secret_basic',
  unit: 'req/s',
  notes: [
    `Each run revokes ${REVOCATIONS} fresh refresh tokens (BENCH_REVOCATIONS) and ends when they are spent, often within a second; such a run is timed from its start to its last answer.`,
  ],
  cases: [
    {
      label: 'revoke refresh token',
      prepare: async (server, { seconds, connections }) => ({
        kind: 'http',
        url: server.discovery.revocation_endpoint,
        method: 'POST',
        headers: { 'content-type': FORM, authorization: basicAuth(server.ready.web) },
        bodies: (await mintRefreshTokens(server, REVOCATIONS)).map(
          (token) => `token=${encodeURIComponent(token)}&token_type_hint=refresh_token`,
        ),
        connections,
        seconds,
      }),
    },
  ],
};
