// A server process under test: Latchkey as `latchkey serve` runs it (startProvider from the built
// package), on its embedded SQLite store (WAL, durable) in a fresh data directory, with the clients
// and users the suite sends. Environment: LATCHKEY_* as for `latchkey serve` (e.g. LATCHKEY_LOG_LEVEL,
// LATCHKEY_TOKENS_ACCESS_TOKEN_ALG, LATCHKEY_DATABASE_URL); the issuer, port and data directory are
// chosen here. Instances of a cluster behind a proxy (bench/scenarios/cluster.ts) share a store and get
// BENCH_PORT, BENCH_ISSUER (the proxy's URL) and BENCH_SECRET; all but the first get BENCH_CLIENTS (the
// first one's ServerReady clients) and register nobody.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, createUser, loadConfig, startProvider } from '@latchkey/provider';
import { freePort, receiveSetup, serve } from './server-entry.mjs';

const setup = await receiveSetup();
const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-bench-'));
const port = process.env.BENCH_PORT ? Number(process.env.BENCH_PORT) : await freePort();
const direct = `http://127.0.0.1:${port}`;
const url = process.env.BENCH_ISSUER ?? direct;
const config = loadConfig({
  env: { ...process.env, LATCHKEY_ISSUER: url, LATCHKEY_PORT: String(port), LATCHKEY_DATA_DIR: dataDir },
});
const secret = process.env.BENCH_SECRET ? Buffer.from(process.env.BENCH_SECRET, 'hex') : randomBytes(32);
const provider = await startProvider(config, { secret });
const joined = process.env.BENCH_CLIENTS ? JSON.parse(process.env.BENCH_CLIENTS) : undefined;
const clients = joined ?? (await register());

async function register() {
  const web = await createClient(provider.stores, {
    name: 'Bench web app',
    redirectUris: [setup.redirectUri],
    grantTypes: ['authorization_code', 'refresh_token'],
    scopes: ['openid', 'profile', 'email', 'offline_access'],
  });
  const service = await createClient(provider.stores, {
    name: 'Bench service',
    grantTypes: ['client_credentials'],
    scopes: ['api'],
    allowedResources: [setup.resource],
  });
  // Stored times are seconds (lib/clock.ts). The suite sends the hashes: this process loads no argon2 at start.
  for (const { username, passwordHash } of [setup.user, setup.cheapUser]) {
    const user = await createUser(provider.stores, { username });
    await provider.stores.users.setPasswordHash(user.id, passwordHash, Math.floor(Date.now() / 1000));
  }

  const serviceClient = { clientId: service.client.clientId, secret: service.secret };
  return {
    web: { clientId: web.client.clientId, secret: web.secret },
    // One access-token algorithm per instance (tokens.accessTokenAlg): the scenario sets it.
    service: { ES256: serviceClient, RS256: serviceClient },
  };
}

serve({ type: 'ready', url, direct, ...clients }, async () => {
  await provider.close();
  rmSync(dataDir, { recursive: true, force: true });
});
