// `latchkey kube credential` and `latchkey kube setup` against a provider started as `latchkey serve`
// starts it: a browser sign-in over the loopback redirect (the "browser" is the test, posting the login
// and consent forms), then the cache (0600), then a refresh with the refresh token; the ExecCredential
// output is checked against the client.authentication.k8s.io/v1 schema.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { createClient, createUser } from '@latchkey/provider';
import { freePort } from '../../../test/helpers/free-port.js';
import { HttpBrowser } from '../../../test/helpers/http-browser.js';
import { signInOverHttp } from '../../../test/helpers/http-sign-in.js';
import { startTestProvider, type TestProvider } from '../../../test/helpers/provider.js';
import { createKubeCredentialCommand } from '../src/commands/kube/credential.js';
import { execCredential } from '../src/commands/kube/exec-credential.js';
import { parseCommandArgs } from '../src/lib/args.js';
import type { Command } from '../src/lib/command.js';
import { cli } from './run-cli.js';

const PASSWORD = 'correct horse battery staple';

/**
 * The client.authentication.k8s.io/v1 ExecCredential as kubectl reads it (k8s.io/client-go
 * pkg/apis/clientauthentication/v1): apiVersion and kind exact, `status` with a non-empty `token` and an
 * RFC 3339 `expirationTimestamp`; nothing else at the top level or in status from a token plugin.
 */
function assertExecCredentialV1(
  value: unknown,
): asserts value is { status: { token: string; expirationTimestamp: string } } {
  assert.ok(typeof value === 'object' && value !== null && !Array.isArray(value));
  const object = value as Record<string, unknown>;
  assert.deepEqual(Object.keys(object).sort(), ['apiVersion', 'kind', 'status']);
  assert.equal(object.apiVersion, 'client.authentication.k8s.io/v1');
  assert.equal(object.kind, 'ExecCredential');
  const status = object.status as Record<string, unknown>;
  assert.deepEqual(Object.keys(status).sort(), ['expirationTimestamp', 'token']);
  assert.equal(typeof status.token, 'string');
  assert.ok((status.token as string).length > 0);
  assert.match(String(status.expirationTimestamp), /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  assert.ok(!Number.isNaN(Date.parse(String(status.expirationTimestamp))));
}

test('an ExecCredential has the v1 shape and an RFC 3339 expiry', () => {
  const credential = execCredential('a.b.c', 1_800_000_000);
  assertExecCredentialV1(credential);
  assert.equal(credential.status.expirationTimestamp, '2027-01-15T08:00:00Z');
});

async function run(command: Command, args: string[], env: NodeJS.ProcessEnv) {
  const { values, positionals } = parseCommandArgs(command, args);
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.resume();
  const status = await command.run(values, positionals, { stdout, stderr, stdin: Readable.from(['']), env });
  return { status, stdout: Buffer.concat(out).toString('utf8') };
}

describe('latchkey kube credential', () => {
  let op: TestProvider;
  let cacheDir: string;
  let port: number;
  let browserOpened = 0;

  before(async () => {
    op = await startTestProvider();
    port = await freePort();
    await createClient(op.provider.stores, {
      name: 'Kubernetes',
      clientId: 'kubernetes',
      public: true,
      redirectUris: [`http://127.0.0.1:${port}/callback`],
      grantTypes: ['authorization_code', 'refresh_token'],
      scopes: ['openid', 'email', 'profile'],
    });
    await createUser(op.provider.stores, {
      username: 'alice',
      password: PASSWORD,
      email: 'alice@example.com',
      emailVerified: true,
    });
    cacheDir = mkdtempSync(join(tmpdir(), 'latchkey-kube-'));
  });
  after(async () => {
    await op?.close();
    rmSync(cacheDir, { recursive: true, force: true });
  });

  // The person's browser: follows the authorization URL, signs in, approves, and lands on the loopback
  // redirect URI the command listens on.
  const command = createKubeCredentialCommand({
    async openBrowser(url) {
      browserOpened += 1;
      const callback = await signInOverHttp({
        browser: new HttpBrowser(op.issuer),
        authorizationUrl: url,
        username: 'alice',
        password: PASSWORD,
      });
      const landed = await fetch(callback);
      assert.equal(landed.status, 200);
    },
  });
  const args = () => [
    '--issuer',
    op.issuer,
    '--client-id',
    'kubernetes',
    '--listen-port',
    String(port),
    '--cache-dir',
    cacheDir,
  ];

  test('signs in in the browser and prints an ExecCredential with the ID token', async () => {
    const { status, stdout } = await run(command, args(), {});
    assert.equal(status, 0);
    const credential = JSON.parse(stdout);
    assertExecCredentialV1(credential);
    const claims = JSON.parse(
      Buffer.from(credential.status.token.split('.')[1]!, 'base64url').toString('utf8'),
    );
    assert.equal(claims.aud, 'kubernetes');
    assert.equal(claims.email, 'alice@example.com');
    assert.equal(Date.parse(credential.status.expirationTimestamp) / 1000, claims.exp);
    assert.equal(browserOpened, 1);
  });

  test('keeps the tokens in a 0600 file and uses them while fresh, without a browser', async () => {
    const [file] = readdirSync(cacheDir);
    assert.ok(file !== undefined);
    assert.equal(statSync(join(cacheDir, file)).mode & 0o777, 0o600);
    assert.equal(statSync(cacheDir).mode & 0o777, 0o700);
    const { stdout } = await run(command, args(), {});
    assertExecCredentialV1(JSON.parse(stdout));
    assert.equal(browserOpened, 1);
  });

  test('renews an expiring ID token with the refresh token, without a browser', async () => {
    const path = join(cacheDir, readdirSync(cacheDir)[0]!);
    const cached = JSON.parse(readFileSync(path, 'utf8'));
    writeFileSync(path, JSON.stringify({ ...cached, expiresAt: Math.floor(Date.now() / 1000) - 1 }), {
      mode: 0o600,
    });
    const { stdout } = await run(command, args(), {});
    const credential = JSON.parse(stdout);
    assertExecCredentialV1(credential);
    assert.notEqual(credential.status.token, cached.idToken);
    assert.notEqual(JSON.parse(readFileSync(path, 'utf8')).refreshToken, cached.refreshToken);
    assert.equal(browserOpened, 1);
  });

  test('with --device, signs in through the device flow', async () => {
    const now = Math.floor(Date.now() / 1000);
    const idToken = `e30.${Buffer.from(JSON.stringify({ exp: now + 600 })).toString('base64url')}.c2ln`;
    let asked: Record<string, unknown> | undefined;
    const deviceCommand: Command = {
      path: ['token', 'device'],
      summary: '',
      options: {},
      async run(values, _p, io) {
        asked = values;
        io.stdout.write(JSON.stringify({ id_token: idToken, refresh_token: 'r1', token_type: 'Bearer' }));
        return 0;
      },
    };
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-kube-device-'));
    try {
      const device = createKubeCredentialCommand({ deviceCommand });
      const { stdout } = await run(
        device,
        ['--issuer', op.issuer, '--client-id', 'tv', '--device', '--cache-dir', dir],
        {},
      );
      const credential = JSON.parse(stdout);
      assertExecCredentialV1(credential);
      assert.equal(credential.status.token, idToken);
      assert.equal(asked?.['client-id'], 'tv');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('latchkey kube setup', () => {
  test('prints the AuthenticationConfiguration and the kubeconfig user entry', async () => {
    const result = await cli(
      [
        'kube',
        'setup',
        '--issuer',
        'https://id.example.com',
        '--client-id',
        'kubernetes',
        '--groups-claim',
        'groups',
      ],
      {},
    );
    assert.equal(result.status, 0, result.stderr);
    const [first, second] = result.stdout
      .split('\n---\n')
      .map((doc) => JSON.parse(doc.replace(/^#.*\n/, '')));
    assert.equal(first.apiVersion, 'apiserver.config.k8s.io/v1');
    assert.equal(first.kind, 'AuthenticationConfiguration');
    assert.deepEqual(first.jwt[0].issuer, {
      url: 'https://id.example.com',
      audiences: ['kubernetes'],
      audienceMatchPolicy: 'MatchAny',
    });
    assert.deepEqual(first.jwt[0].claimMappings, {
      username: { claim: 'email', prefix: 'oidc:' },
      groups: { claim: 'groups', prefix: 'oidc:' },
    });
    assert.match(first.jwt[0].claimValidationRules[0].expression, /email_verified/);
    const exec = second.users[0].user.exec;
    assert.equal(exec.apiVersion, 'client.authentication.k8s.io/v1');
    assert.deepEqual(exec.args, [
      'kube',
      'credential',
      '--issuer',
      'https://id.example.com',
      '--client-id',
      'kubernetes',
    ]);
  });

  test('a bad issuer is a usage error naming the flag', async () => {
    const result = await cli(['kube', 'setup', '--issuer', 'not a url', '--client-id', 'k'], {});
    assert.equal(result.status, 2);
    assert.match(result.stderr, /--issuer/);
  });
});
