/** Every scenario of `npm run bench`, in the order they run. `npm run bench -- NAME` runs one. */
import { clientCredentialsEs256, clientCredentialsRs256 } from './client-credentials.js';
import { cluster } from './cluster.js';
import { discovery, jwks } from './endpoints.js';
import { flows } from './flows.js';
import { scale } from './scale.js';
import type { ClusterScenario, ScaleScenario, Scenario, ScriptScenario } from './scenario.js';
import { codeExchange, introspection, refresh, revocation, userinfo } from './stateful.js';

export const SCENARIOS: readonly (Scenario | ClusterScenario | ScaleScenario | ScriptScenario)[] = [
  discovery,
  jwks,
  clientCredentialsEs256,
  clientCredentialsRs256,
  codeExchange,
  refresh,
  userinfo,
  introspection,
  revocation,
  flows,
  cluster,
  scale,
  {
    kind: 'script',
    name: 'verify',
    title: "The library's JWT verify (bench/verify.ts)",
    script: 'bench:verify',
    file: 'bench/verify.ts',
  },
  {
    kind: 'script',
    name: 'gateway',
    title: 'Gateway overhead (bench/gateway.ts)',
    script: 'bench:gateway',
    file: 'bench/gateway.ts',
  },
];
