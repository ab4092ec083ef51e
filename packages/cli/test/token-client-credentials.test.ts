import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createJwtVerifier, exportJwk, fetchDiscovery, generateKeyPair, RemoteKeySet } from '@latchkey/oidc';
import { startTestProvider, type TestProvider } from '../../../test/helpers/provider.js';
import { cli, tempWorkspace } from './run-cli.js';

const API = 'https://api.example.com';
const REPORTS = 'https://reports.example.com';

describe('latchkey token client-credentials against a running provider', () => {
  const ws = tempWorkspace();
  let op: TestProvider;
  let issuer: string;
  let clientId: string;
  let secret: string;

  before(async () => {
    const created = await cli(
      [
        'client',
        'create',
        '--name',
        'billing',
        '--grant',
        'client_credentials',
        '--scope',
        'reports:read',
        '--scope',
        'reports:write',
        '--resource',
        API,
        '--resource',
        REPORTS,
        '--json',
      ],
      ws.env,
    );
    assert.equal(created.status, 0, created.stderr);
    const client = JSON.parse(created.stdout) as {
      client_id?: string;
      clientId?: string;
      client_secret: string;
    };
    clientId = (client.client_id ?? client.clientId)!;
    secret = client.client_secret;
    op = await startTestProvider({ env: ws.env });
    issuer = op.issuer;
  });
  after(async () => {
    await op.close();
    ws.cleanup();
  });

  const args = (...extra: string[]) => [
    'token',
    'client-credentials',
    '--issuer',
    issuer,
    '--client-id',
    clientId,
    '--client-secret-stdin',
    ...extra,
  ];

  test('prints an access token for the resource and scope asked for, verifiable with the JWKS', async () => {
    const r = await cli(args('--resource', REPORTS, '--scope', 'reports:read'), ws.env, `${secret}\n`);
    assert.equal(r.status, 0, r.stderr);
    const token = r.stdout.trim();
    assert.doesNotMatch(token, /\s/);
    const keys = new RemoteKeySet(async () => (await fetchDiscovery(issuer)).jwks_uri);
    const { claims } = await createJwtVerifier({ issuer, audience: REPORTS, typ: 'at+jwt' }).verify(
      token,
      keys,
    );
    assert.equal(claims.sub, clientId);
    assert.equal(claims['scope'], 'reports:read');
    assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret));
  });

  test('--json prints the whole token response', async () => {
    const r = await cli(args('--resource', API, '--json'), ws.env, secret);
    assert.equal(r.status, 0, r.stderr);
    const body = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(body['token_type'], 'Bearer');
    assert.equal(body['scope'], 'reports:read reports:write');
  });

  const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString());

  test('--dpop binds the token to a new key: cnf.jkt is the thumbprint printed, token_type DPoP', async () => {
    const r = await cli(args('--resource', API, '--dpop'), ws.env, secret);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /token_type: DPoP/);
    const jkt = /dpop_jkt: ([A-Za-z0-9_-]{43})/.exec(r.stderr)?.[1];
    assert.ok(jkt, r.stderr);
    assert.equal(payloadOf(r.stdout.trim()).cnf.jkt, jkt);
    const json = await cli(args('--resource', API, '--dpop', '--json'), ws.env, secret);
    const body = JSON.parse(json.stdout);
    assert.equal(body.token_type, 'DPoP');
    assert.equal(payloadOf(body.access_token).cnf.jkt, body.dpop_jkt);
    assert.notEqual(body.dpop_jkt, jkt, 'a new key each run');
  });

  test('--dpop-key FILE creates the key (0600) once and reuses it: the same thumbprint every run', async () => {
    const file = join(ws.dir, 'dpop-key.json');
    const first = await cli(args('--resource', API, '--dpop-key', file, '--json'), ws.env, secret);
    assert.equal(first.status, 0, first.stderr);
    assert.equal(statSync(file).mode & 0o777, 0o600);
    const jwk = JSON.parse(readFileSync(file, 'utf8'));
    assert.equal(jwk.alg, 'ES256');
    assert.ok(jwk.d, 'a private JWK');
    const second = await cli(args('--resource', API, '--dpop-key', file, '--json'), ws.env, secret);
    assert.equal(second.status, 0, second.stderr);
    const [a, b] = [JSON.parse(first.stdout), JSON.parse(second.stdout)];
    assert.equal(a.dpop_jkt, b.dpop_jkt);
    assert.equal(payloadOf(b.access_token).cnf.jkt, a.dpop_jkt);
    assert.equal(readFileSync(file, 'utf8'), JSON.stringify(jwk) + '\n', 'the file is not rewritten');
  });

  test('--dpop-key refuses a key file others can read, a public key and a non-JSON file (exit 2, naming the file)', async () => {
    const file = join(ws.dir, 'shared-key.json');
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    writeFileSync(file, JSON.stringify(exportJwk(privateKey, { includePrivate: true })), { mode: 0o644 });
    chmodSync(file, 0o644);
    const open = await cli(args('--resource', API, '--dpop-key', file), ws.env, secret);
    assert.equal(open.status, 2, open.stderr);
    assert.match(open.stderr, new RegExp(`${file}: mode 644 .*chmod 600`));
    assert.equal(open.stdout, '');
    chmodSync(file, 0o600);
    assert.equal((await cli(args('--resource', API, '--dpop-key', file), ws.env, secret)).status, 0);
    writeFileSync(file, JSON.stringify(exportJwk(publicKey)), { mode: 0o600 });
    const pub = await cli(args('--resource', API, '--dpop-key', file), ws.env, secret);
    assert.equal(pub.status, 2);
    assert.match(pub.stderr, /not a private key/);
    writeFileSync(file, 'ssh-ed25519 AAAA', { mode: 0o600 });
    const text = await cli(args('--resource', API, '--dpop-key', file), ws.env, secret);
    assert.equal(text.status, 2);
    assert.match(text.stderr, /not JSON/);
  });

  test('a refused request exits 1 with the OAuth error and never the secret', async () => {
    const r = await cli(args('--resource', 'https://evil.example'), ws.env, secret);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /invalid_target/);
    assert.ok(!r.stderr.includes(secret));
    const wrong = await cli(args('--resource', API), ws.env, 'not-the-secret');
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /invalid_client/);
  });

  const usage: { extra: string[]; stdin: string; names: RegExp; omitSecretFlag?: boolean }[] = [
    { extra: [], stdin: '', names: /client secret on standard input is empty/ },
    { extra: [], stdin: 'x', names: /--client-secret-stdin is required/, omitSecretFlag: true },
  ];
  for (const { extra, stdin, names, omitSecretFlag } of usage) {
    test(`bad usage exits 2: ${names.source}`, async () => {
      const argv = omitSecretFlag
        ? args(...extra).filter((a) => a !== '--client-secret-stdin')
        : args(...extra);
      const r = await cli(argv, ws.env, stdin);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, names);
    });
  }

  test('--issuer is required', async () => {
    const r = await cli(
      ['token', 'client-credentials', '--client-id', 'x', '--client-secret-stdin'],
      ws.env,
      's',
    );
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--issuer is required/);
  });
});
