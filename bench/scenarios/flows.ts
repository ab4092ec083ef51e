/**
 * Complete sign-ins per second from one scripted client loop: authorization request → login page →
 * login POST → consent page → consent POST → code → token request, a fresh browser each time.
 * Latchkey verifies the password with argon2id; the peer's built-in login pages accept any password,
 * so its flows never hash. Hence two rows: Latchkey with its production argon2id parameters, and with
 * a user whose hash has argon2's minimal parameters (the check still runs; its cost is gone).
 */
import { CHEAP_USER, USER } from '../lib/fixtures.js';
import { endpointsOf, FLOW_SCOPE } from '../lib/mint.js';
import type { Case, Scenario } from './scenario.js';

function flowCase(label: string, account: { username: string; password: string }): Case {
  return {
    label,
    prepare: async (server, { seconds }) => ({
      kind: 'flows',
      origin: server.ready.url,
      endpoints: endpointsOf(server),
      client: server.ready.web,
      account,
      scope: FLOW_SCOPE,
      seconds,
    }),
  };
}

export const flows: Scenario = {
  kind: 'load',
  stateful: true,
  name: 'flows',
  title: 'Complete sign-in flows (authorize → login POST → consent POST → token), one client loop',
  unit: 'flows/s',
  cases: [
    flowCase('argon2id m=19 MiB t=2 (Latchkey default); peer: no password hash', USER),
    flowCase('argon2id m=8 KiB t=1 (hash cost removed); peer: no password hash', CHEAP_USER),
  ],
};
