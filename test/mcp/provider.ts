/**
 * The provider an MCP deployment would run: real clock, its own SQLite file, Client ID Metadata
 * Documents trusted for the test's document host (served on loopback over TLS with the test CA, which
 * `outbound.allowedAddresses` allows), and open dynamic registration — both admitting the MCP server's
 * resource and its two scopes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createKeyManager,
  createProviderApp,
  createUser,
  loadConfig,
  openProviderStores,
  type ProviderConfigOverrides,
} from '@latchkey/provider';
import { testCertificates } from '../../packages/provider/test/helpers/test-ca.js';
import { freePort } from '../helpers/free-port.js';

export const PASSWORD = 'correct horse battery staple';

export interface McpProvider {
  readonly issuer: string;
  readonly stores: Awaited<ReturnType<typeof openProviderStores>>;
  close(): Promise<void>;
}

/** `documentHost` resolves to 127.0.0.1 for the provider's guarded fetcher only. */
export async function startMcpProvider(options: {
  readonly issuerPort: number;
  readonly documentHost: string;
  /** The MCP servers' resource identifiers every agent may ask tokens for. */
  readonly resources: readonly string[];
  readonly scopes: readonly string[];
}): Promise<McpProvider> {
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-mcp-'));
  const issuer = `http://127.0.0.1:${options.issuerPort}`;
  const policy = { scopes: [...options.scopes], resources: [...options.resources] };
  const overrides: ProviderConfigOverrides = {
    issuer,
    port: options.issuerPort,
    dataDir,
    secret: randomBytes(32).toString('base64url'),
    logging: { level: 'silent' },
    clients: { metadataDocuments: [{ hosts: [options.documentHost], ...policy }] },
    outbound: { allowedAddresses: ['127.0.0.1/32'] },
    registration: { mode: 'open', ...policy },
  };
  const config = loadConfig({ env: {}, overrides });
  const stores = await openProviderStores(config.databaseUrl);
  await stores.migrate();
  const keyManager = createKeyManager({ config, stores });
  await keyManager.start();
  const app = createProviderApp({
    config,
    stores,
    keyManager,
    outbound: {
      resolve: async (hostname) => {
        if (hostname !== options.documentHost) throw new Error(`unknown host ${hostname}`);
        return [{ address: '127.0.0.1', family: 4 }];
      },
      ca: testCertificates().ca,
    },
  });
  await app.listen({ host: '127.0.0.1', port: options.issuerPort });
  await createUser(stores, { username: 'alice', password: PASSWORD, name: 'Alice' });
  return {
    issuer,
    stores,
    async close() {
      await app.close();
      await keyManager.stop();
      await stores.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export { freePort };
