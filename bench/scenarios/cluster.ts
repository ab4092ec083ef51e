/**
 * Three Latchkey instances on one PostgreSQL store behind a round-robin proxy, against one instance
 * behind the same proxy. On a 2-core machine the instances share the servers' core, so the question is
 * not throughput but whether anything serialises across instances (locks, leases, key bootstrap):
 * three instances should match one, with no errors.
 */
import { clientCredentialsEs256 } from './client-credentials.js';
import type { ClusterScenario } from './scenario.js';
import { codeExchange, refresh } from './stateful.js';

export const cluster: ClusterScenario = {
  kind: 'cluster',
  name: 'cluster',
  title: 'Latchkey on PostgreSQL: 3 instances vs 1 behind a round-robin proxy (node:http)',
  instances: 3,
  latchkeyEnv: { LATCHKEY_TOKENS_ACCESS_TOKEN_ALG: 'ES256' },
  cases: [clientCredentialsEs256.cases[0]!, codeExchange.cases[0]!, refresh.cases[0]!],
};
