import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import {
  createClient,
  createKeyManager,
  createProviderApp,
  createUser,
  loadConfig,
  openProviderStores,
} from '@latchkey/provider';
import { createTokenDeviceCommand } from '../src/commands/token/device.js';
import { parseCommandArgs } from '../src/lib/args.js';
import { cli } from './run-cli.js';

const ISSUER = 'http://localhost:8080';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
const API = 'https://api.example.com';

/** A provider app on a temporary SQLite file with a frozen clock; `fetch` reaches it in-process. */
async function providerFixture() {
  const dir = mkdtempSync(join(tmpdir(), 'latchkey-cli-device-'));
  let now = 1_800_000_000;
  const clock = () => now;
  const config = loadConfig({
    env: {},
    // Nonces required (RFC 9449 §8): only requests with a DPoP proof are affected.
    overrides: {
      issuer: ISSUER,
      dataDir: dir,
      logging: { level: 'silent' },
      tokens: { dpopRequireNonce: true },
    },
  });
  const stores = await openProviderStores(`sqlite:${join(dir, 'latchkey.db')}`);
  await stores.migrate();
  const secret = randomBytes(32);
  const keyManager = createKeyManager({ config, stores, now: clock, secret });
  await keyManager.start();
  const app = createProviderApp({ config, stores, keyManager, clock, secret });
  const user = await createUser(stores, { username: 'alice' }, { now: clock });
  await createClient(
    stores,
    {
      name: 'CLI',
      clientId: 'cli',
      public: true,
      grantTypes: [DEVICE_GRANT],
      scopes: ['openid', 'profile'],
      allowedResources: [API],
    },
    { now: clock },
  );
  const requests: string[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(String(input));
    requests.push(
      `${init?.method ?? 'GET'} ${url.pathname}${new Headers(init?.headers).has('dpop') ? ' +dpop' : ''}`,
    );
    const response = await app.inject({
      method: (init?.method ?? 'GET') as 'GET' | 'POST',
      url: url.pathname + url.search,
      headers: Object.fromEntries(new Headers(init?.headers).entries()),
      ...(typeof init?.body === 'string' ? { payload: init.body } : {}),
    });
    const headers = new Headers({
      'content-type': String(response.headers['content-type'] ?? 'application/json'),
    });
    const nonce = response.headers['dpop-nonce'];
    if (typeof nonce === 'string') headers.set('dpop-nonce', nonce);
    return new Response(response.body, { status: response.statusCode, headers });
  }) as typeof globalThis.fetch;

  /** The person's answer, as the /device page records it. */
  async function answer(userCode: string, decision: 'approve' | 'deny') {
    const code = userCode.replace('-', '');
    if (decision === 'deny') return stores.deviceCodes.deny(code, now);
    const grantId = randomBytes(16).toString('base64url');
    const pending = await stores.deviceCodes.getPendingByUserCode(code, now);
    await stores.grants.create({
      id: grantId,
      clientId: 'cli',
      userId: user.id,
      scopes: pending!.scopes,
      resources: pending!.resources,
      sid: null,
      createdAt: now,
      revokedAt: null,
    });
    return stores.deviceCodes.approve(code, { userId: user.id, grantId, sid: null, authTime: now }, now);
  }

  return {
    fetch,
    requests,
    clock,
    advance: (seconds: number) => {
      now += seconds;
    },
    answer,
    async close() {
      await app.close();
      await keyManager.stop();
      await stores.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

let p: Awaited<ReturnType<typeof providerFixture>>;
before(async () => {
  p = await providerFixture();
});
after(() => p.close());

/**
 * Runs `latchkey token device ARGS` in-process against the provider. Each wait advances the frozen clock
 * instead of sleeping, then calls `onWait(n, stderrSoFar)` so the test can act as the person.
 */
async function runDevice(
  args: readonly string[],
  onWait: (n: number, stderr: string) => Promise<unknown> = async () => {},
) {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  const waits: number[] = [];
  const command = createTokenDeviceCommand({
    fetch: p.fetch,
    now: p.clock,
    sleep: async (seconds) => {
      waits.push(seconds);
      p.advance(seconds);
      await onWait(waits.length, Buffer.concat(err).toString());
    },
  });
  const { values, positionals } = parseCommandArgs(command, args);
  let status: number | undefined;
  let failure: unknown;
  try {
    status = await command.run(values, positionals, { stdout, stderr, stdin: Readable.from([]), env: {} });
  } catch (error) {
    failure = error;
  }
  return {
    status,
    failure,
    waits,
    stdout: Buffer.concat(out).toString(),
    stderr: Buffer.concat(err).toString(),
  };
}

const userCodeIn = (stderr: string) => /enter the code: ([A-Z]{4}-[A-Z]{4})/.exec(stderr)?.[1];

describe('latchkey token device', () => {
  test('shows the verification URI and user code on stderr, waits, and prints the token response on stdout', async () => {
    const result = await runDevice(
      ['--issuer', ISSUER, '--client-id', 'cli', '--scope', 'openid', '--scope', 'profile'],
      async (n, stderr) => {
        if (n === 2) await p.answer(userCodeIn(stderr)!, 'approve');
      },
    );
    assert.equal(result.failure, undefined);
    assert.equal(result.status, 0);
    assert.match(result.stderr, new RegExp(`open ${ISSUER}/device\\n`));
    assert.ok(userCodeIn(result.stderr));
    assert.match(result.stderr, /\?user_code=/);
    const body = JSON.parse(result.stdout);
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.scope, 'openid profile');
    assert.ok(body.access_token && body.id_token);
    // It polled at the provider's interval, and never printed a token on stderr.
    assert.deepEqual(result.waits, [5, 5]);
    assert.ok(!result.stderr.includes(body.access_token));
  });

  test('honours slow_down: after it, every wait is 5 seconds longer', async () => {
    const result = await runDevice(['--issuer', ISSUER, '--client-id', 'cli'], async (n, stderr) => {
      // Act as another poller of the same code, so the CLI's next poll comes too soon.
      if (n === 2) p.advance(-3);
      if (n === 4) await p.answer(userCodeIn(stderr)!, 'approve');
    });
    assert.equal(result.status, 0, String(result.failure));
    assert.deepEqual(result.waits, [5, 5, 10, 10]);
  });

  test('stops with an error when the person denies the request', async () => {
    const result = await runDevice(['--issuer', ISSUER, '--client-id', 'cli'], async (n, stderr) => {
      if (n === 1) await p.answer(userCodeIn(stderr)!, 'deny');
    });
    assert.match(String(result.failure), /denied/);
    assert.equal(result.stdout, '');
  });

  test('stops with an error when the code expires unanswered', async () => {
    const result = await runDevice(['--issuer', ISSUER, '--client-id', 'cli']);
    assert.match(String(result.failure), /expired/);
    assert.ok(result.waits.length >= 100 && result.waits.length <= 121);
  });

  test('asks for the resources given with --resource: the access token names them (RFC 8707)', async () => {
    const result = await runDevice(
      ['--issuer', ISSUER, '--client-id', 'cli', '--scope', 'profile', '--resource', API],
      async (n, stderr) => {
        if (n === 2) await p.answer(userCodeIn(stderr)!, 'approve');
      },
    );
    assert.equal(result.status, 0, String(result.failure));
    const { access_token } = JSON.parse(result.stdout);
    assert.equal(JSON.parse(Buffer.from(access_token.split('.')[1], 'base64url').toString()).aud, API);
    const refused = await runDevice([
      '--issuer',
      ISSUER,
      '--client-id',
      'cli',
      '--resource',
      'https://evil.example',
    ]);
    assert.match(String(refused.failure), /invalid_target/);
  });

  test('reports a client the provider refuses, with its error code', async () => {
    const result = await runDevice(['--issuer', ISSUER, '--client-id', 'nobody']);
    assert.match(String(result.failure), /invalid_client/);
  });

  test('--dpop binds the tokens to a new ES256 key, getting the nonce the provider requires first', async () => {
    const before = p.requests.length;
    const result = await runDevice(
      ['--issuer', ISSUER, '--client-id', 'cli', '--scope', 'openid', '--dpop'],
      async (n, stderr) => {
        if (n === 1) await p.answer(userCodeIn(stderr)!, 'approve');
      },
    );
    assert.equal(result.status, 0, String(result.failure));
    const body = JSON.parse(result.stdout);
    assert.equal(body.token_type, 'DPoP');
    const claims = JSON.parse(Buffer.from(body.access_token.split('.')[1], 'base64url').toString());
    assert.equal(claims.cnf.jkt, body.dpop_jkt);
    assert.match(body.dpop_jkt, /^[A-Za-z0-9_-]{43}$/);
    // One poll refused with use_dpop_nonce, then retried at once with the nonce; each with a proof.
    const tokenRequests = p.requests.slice(before).filter((r) => r.startsWith('POST /token'));
    assert.deepEqual(tokenRequests, ['POST /token +dpop', 'POST /token +dpop']);
    assert.deepEqual(result.waits, [5]);
  });

  test('without --dpop the token requests carry no proof and the token is Bearer', async () => {
    const before = p.requests.length;
    const result = await runDevice(['--issuer', ISSUER, '--client-id', 'cli'], async (n, stderr) => {
      if (n === 1) await p.answer(userCodeIn(stderr)!, 'approve');
    });
    assert.equal(result.status, 0, String(result.failure));
    assert.equal(JSON.parse(result.stdout).dpop_jkt, undefined);
    assert.ok(p.requests.slice(before).every((r) => !r.endsWith('+dpop')));
  });

  test('is listed in help, and --issuer and --client-id are required (exit status 2)', async () => {
    const help = await cli(['--help'], {});
    assert.match(help.stdout, /token device/);
    const missing = await cli(['token', 'device', '--client-id', 'cli'], {});
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--issuer is required/);
  });
});
