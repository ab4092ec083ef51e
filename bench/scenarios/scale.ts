/**
 * Cost as the data grows (issue 21): the hot paths on an empty store and on one seeded by bench/seed.ts
 * (100,000 users, 10,000 clients, 1,000,000 grants and refresh tokens, 5,000,000 audit rows, times
 * BENCH_SCALE), on SQLite and on PostgreSQL. Target: seeded p50 and p99 within 1.2× of empty.
 */
import { flows } from './flows.js';
import type { ScaleScenario } from './scenario.js';
import { codeExchange, introspection, refresh, revocation, userinfo } from './stateful.js';

export const scale: ScaleScenario = {
  kind: 'scale',
  name: 'scale',
  title: 'Empty store vs seeded store (bench/seed.ts)',
  cases: [
    codeExchange.cases[0]!,
    refresh.cases[0]!,
    introspection.cases[0]!,
    userinfo.cases[0]!,
    revocation.cases[0]!,
    // Sign-in with the cheap argon2id user: the password hash would hide what the store costs.
    { ...flows.cases[1]!, label: 'sign-in flow (argon2id m=8 KiB t=1)' },
  ],
};
