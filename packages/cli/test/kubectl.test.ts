// The real kubectl (installed on this machine) with the kubeconfig user entry `latchkey kube setup`
// prints, against a stub API server on loopback (TLS: client-go sends credentials only over https) that
// checks the bearer token. The credential comes from `latchkey kube credential`'s cache, so no sign-in
// is needed: what is tested is that kubectl runs the plugin and understands its ExecCredential.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { kubeSetupDocuments } from '../src/commands/kube/setup.js';
import { cacheFile, writeCache } from '../src/commands/kube/token-cache.js';

const ISSUER = 'https://id.example.com';
const CLIENT_ID = 'kubernetes';
const TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let dir: string;
let server: ReturnType<typeof createServer>;
const seen: (string | undefined)[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'latchkey-kubectl-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-days',
      '1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  server = createServer(
    { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) },
    (req, res) => {
      seen.push(req.headers.authorization);
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return void res.writeHead(401).end();
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"kind":"NamespaceList","apiVersion":"v1","items":[]}');
    },
  ).listen(0, '127.0.0.1');
  await once(server, 'listening');
});
after(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('kubectl runs latchkey kube credential and sends its ID token to the API server', async () => {
  const cacheDir = join(dir, 'cache');
  await writeCache(cacheFile(cacheDir, ISSUER, CLIENT_ID), cacheDir, {
    idToken: TOKEN,
    expiresAt: Math.floor(Date.now() / 1000) + 3600,
    refreshToken: undefined,
  });
  const { kubeconfigUser } = kubeSetupDocuments({
    issuer: ISSUER,
    clientId: CLIENT_ID,
    usernameClaim: 'email',
    groupsClaim: undefined,
    prefix: 'oidc:',
    userName: 'latchkey-kubernetes',
  });
  const user = (
    kubeconfigUser as { users: { name: string; user: { exec: { command: string; args: string[] } } }[] }
  ).users[0]!;
  // `latchkey` as this checkout runs it: node with tsx on the CLI's source.
  user.user.exec.args = [
    '--import',
    'tsx',
    '--conditions=latchkey-source',
    MAIN,
    ...user.user.exec.args,
    '--cache-dir',
    cacheDir,
  ];
  user.user.exec.command = process.execPath;
  const kubeconfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: 'stub',
        cluster: {
          server: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
          'insecure-skip-tls-verify': true,
        },
      },
    ],
    users: [user],
    contexts: [{ name: 'stub', context: { cluster: 'stub', user: user.name } }],
    'current-context': 'stub',
  };
  writeFileSync(join(dir, 'kubeconfig'), JSON.stringify(kubeconfig));
  const { stdout } = await promisify(execFile)(
    'kubectl',
    ['--kubeconfig', join(dir, 'kubeconfig'), 'get', '--raw', '/api/v1/namespaces'],
    { cwd: ROOT, env: { ...process.env, HOME: dir }, timeout: 60_000 },
  );
  assert.equal(JSON.parse(stdout).kind, 'NamespaceList');
  assert.ok(seen.length > 0);
  assert.ok(seen.every((value) => value === `Bearer ${TOKEN}`));
});
