/**
 * The cluster under test: N provider processes on one fresh PostgreSQL schema, one issuer (a round-robin
 * proxy written here), seeded clients and a user, and sign-ins recorded as the authorization endpoint
 * records them (for load tests that need many codes and refresh tokens quickly).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createClient, createUser, type OpenedProviderStores, openProviderStores } from '@latchkey/provider';
import { openDatabase, sql } from '@latchkey/store';
import { hashOpaqueToken } from '../../packages/provider/src/tokens/index.js';

export const POSTGRES_URL = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIRECT_URI = 'http://127.0.0.1:9/callback';
export const API = 'https://api.example.com';
export const PASSWORD = 'correct horse battery staple';
const INSTANCE_SCRIPT = new URL('./instance.ts', import.meta.url).pathname;
const ROOT = new URL('../..', import.meta.url).pathname;

/** A round-robin HTTP proxy: request i goes to upstream i mod n. `served` records which one answered. */
export interface Proxy {
  readonly url: string;
  upstreams: string[];
  readonly served: number[];
  close(): Promise<void>;
}

export async function startProxy(): Promise<Proxy> {
  let next = 0;
  const proxy: Proxy = {
    url: '',
    upstreams: [],
    served: [],
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer((incoming, outgoing) => {
    const index = next++ % proxy.upstreams.length;
    proxy.served.push(index);
    const target = new URL(proxy.upstreams[index]!);
    const forwarded = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
        agent: false,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(outgoing);
      },
    );
    forwarded.on('error', () => outgoing.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  (proxy as { url: string }).url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}

export interface Instance {
  readonly url: string;
  readonly child: ChildProcess;
  /** SIGKILL: no graceful anything. Resolves when the process is gone. */
  kill9(): Promise<void>;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
}

function startInstance(env: NodeJS.ProcessEnv): Promise<Instance> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--conditions=latchkey-source', INSTANCE_SCRIPT],
    {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const signal = async (name: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(name);
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('instance did not start within 30 s')), 30_000);
    child.once('exit', (code) => reject(new Error(`instance exited with ${code} before it was ready`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('READY ')) return;
      clearTimeout(timer);
      resolve({ url: line.slice(6), child, kill9: () => signal('SIGKILL'), stop: () => signal('SIGTERM') });
    });
  });
}

export interface Cluster {
  readonly proxy: Proxy;
  readonly instances: Instance[];
  /** The issuer: the proxy's URL. */
  readonly issuer: string;
  readonly databaseUrl: string;
  /** The environment every instance runs with (issuer, database, LATCHKEY_SECRET, key timings). */
  readonly env: NodeJS.ProcessEnv;
  /** The test's own connection to the shared schema (seeding, checking invariants). */
  readonly stores: OpenedProviderStores;
  readonly secrets: { readonly web: string; readonly svc: string };
  readonly userId: string;
  close(): Promise<void>;
}

/** A fresh schema, migrated once here (so instances starting together find nothing to migrate). */
async function freshSchema(postgresUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = await openDatabase(postgresUrl, { poolSize: 1 });
  const schema = `cluster_${randomBytes(6).toString('hex')}`;
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  await admin.close();
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: url.toString(),
    async drop() {
      const again = await openDatabase(postgresUrl, { poolSize: 1 });
      await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(again.db);
      await again.close();
    },
  };
}

/**
 * `postgresUrl`: the server the cluster shares, DATABASE_URL by default; a fault test passes the URL of
 * its own private server (test/helpers/private-postgres.ts).
 */
export async function startCluster(
  size = 3,
  extraEnv: NodeJS.ProcessEnv = {},
  postgresUrl = POSTGRES_URL,
): Promise<Cluster> {
  const schema = await freshSchema(postgresUrl);
  const stores = await openProviderStores(schema.url, { poolSize: 4 });
  await stores.migrate();
  const web = (
    await createClient(stores, {
      name: 'Web app',
      clientId: 'web',
      redirectUris: [REDIRECT_URI],
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'profile', 'offline_access'],
    })
  ).secret!;
  const svc = (
    await createClient(stores, {
      name: 'Service',
      clientId: 'svc',
      grantTypes: ['client_credentials'],
      scopes: ['reports:read'],
      allowedResources: [API],
    })
  ).secret!;
  const userId = (await createUser(stores, { username: 'alice', password: PASSWORD })).id;

  const proxy = await startProxy();
  const dataDir = mkdtempSync(join(tmpdir(), 'latchkey-cluster-'));
  const env: NodeJS.ProcessEnv = {
    LATCHKEY_ISSUER: proxy.url,
    LATCHKEY_HOST: '127.0.0.1',
    LATCHKEY_PORT: '0',
    LATCHKEY_DATA_DIR: dataDir,
    DATABASE_URL: schema.url,
    LATCHKEY_SECRET: randomBytes(32).toString('base64'),
    LATCHKEY_LOG_LEVEL: 'silent',
    LATCHKEY_KEYS_RELOAD_INTERVAL: '1s',
    LATCHKEY_KEYS_JWKS_MAX_AGE: '2s',
    LATCHKEY_SHUTDOWN_TIMEOUT: '2s',
    ...extraEnv,
  };
  const instances = await Promise.all(Array.from({ length: size }, () => startInstance(env)));
  proxy.upstreams = instances.map((i) => i.url);
  return {
    proxy,
    instances,
    issuer: proxy.url,
    databaseUrl: schema.url,
    env,
    stores,
    secrets: { web, svc },
    userId,
    async close() {
      await Promise.all(instances.map((i) => i.stop()));
      await proxy.close();
      await stores.close();
      await schema.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function basicAuth(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/** POST /token at one base URL (an instance or the proxy); never throws on an HTTP error status. */
export async function postToken(
  base: string,
  form: Record<string, string>,
  authorization: string,
): Promise<{ status: number; body: Record<string, string>; retryAfter: string | null }> {
  const response = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
    body: new URLSearchParams(form),
  });
  const text = await response.text();
  let body: Record<string, string>;
  try {
    body = JSON.parse(text);
  } catch {
    body = { raw: text };
  }
  return { status: response.status, body, retryAfter: response.headers.get('retry-after') };
}

/**
 * A session, a grant and an authorization code for `web`, recorded as the authorization endpoint
 * records them after login and consent: the form that redeems it at /token.
 */
export async function recordSignIn(
  cluster: Cluster,
): Promise<{ form: Record<string, string>; grantId: string }> {
  const { stores, userId } = cluster;
  const now = Math.floor(Date.now() / 1000);
  const sid = randomBytes(16).toString('base64url');
  await stores.sessions.create({
    idHash: hashOpaqueToken(randomBytes(32).toString('base64url')),
    sid,
    userId,
    authTime: now,
    amr: ['pwd'],
    acr: null,
    createdAt: now,
    lastSeenAt: now,
    expiresAt: now + 3600,
    endedAt: null,
  });
  const grantId = randomBytes(16).toString('base64url');
  const scopes = ['openid', 'offline_access'];
  await stores.grants.create({
    id: grantId,
    clientId: 'web',
    userId,
    scopes,
    resources: [],
    sid,
    createdAt: now,
    revokedAt: null,
  });
  const code = randomBytes(32).toString('base64url');
  const verifier = randomBytes(32).toString('base64url');
  await stores.authorizationCodes.create({
    codeHash: hashOpaqueToken(code),
    grantId,
    clientId: 'web',
    userId,
    redirectUri: REDIRECT_URI,
    scopes,
    nonce: null,
    codeChallenge: createHash('sha256').update(verifier).digest('base64url'),
    sid,
    authTime: now,
    acr: null,
    amr: ['pwd'],
    claimsRequest: null,
    resources: [],
    createdAt: now,
    expiresAt: now + 60,
    consumedAt: null,
  });
  return {
    grantId,
    form: { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI, code_verifier: verifier },
  };
}

/** Runs `worker` in `concurrency` loops until `ms` have passed; the loops stop at the deadline. */
export async function forDuration(ms: number, concurrency: number, worker: (loop: number) => Promise<void>) {
  const deadline = Date.now() + ms;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      while (Date.now() < deadline) await worker(loop);
    }),
  );
}
