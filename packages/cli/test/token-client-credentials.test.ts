import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createJwtVerifier, fetchDiscovery, RemoteKeySet } from '@latchkey/oidc';
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
