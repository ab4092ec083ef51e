import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { cli, tempWorkspace } from './run-cli.js';

describe('which database an administrative command uses', () => {
  const ws = tempWorkspace();
  after(() => ws.cleanup());

  test('DATABASE_URL=nonsense is refused, naming the value, and creates no file', async () => {
    const r = await cli(['client', 'list'], { ...ws.env, DATABASE_URL: 'nonsense' }, '');
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /DATABASE_URL: "nonsense" is not a database URL: expected sqlite:PATH/);
    assert.equal(r.stdout, '');
    assert.equal(existsSync('nonsense'), false);
    assert.equal(existsSync(join(ws.dir, 'nonsense')), false);
  });

  test('a PostgreSQL URL with another scheme spelling is refused without its password', async () => {
    const r = await cli(['user', 'list'], { ...ws.env, DATABASE_URL: 'pgsql://u:hunter2@db/x' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /"pgsql:\/\/u@db\/x"/);
    assert.ok(!r.stderr.includes('hunter2'));
  });

  for (const args of [['client', 'list'], ['user', 'list'], ['keys', 'list'], ['migrate']]) {
    test(`latchkey ${args.join(' ')} names the database it used on stderr, in one line`, async () => {
      const r = await cli(args, ws.env);
      assert.equal(r.status, 0, r.stderr);
      const lines = r.stderr.split('\n').filter((line) => line.startsWith('latchkey: using '));
      assert.deepEqual(lines, [`latchkey: using ${ws.env.DATABASE_URL}`]);
      assert.ok(!r.stdout.includes('latchkey: using'), 'stdout stays the answer');
    });
  }

  test('a PostgreSQL password is not printed with the database', async () => {
    // Nothing listens on port 1: the command fails to connect, after naming the database.
    const r = await cli(['client', 'list'], {
      ...ws.env,
      DATABASE_URL: 'postgres://app:hunter2@127.0.0.1:1/x',
    });
    assert.match(r.stderr, /^latchkey: using postgres:\/\/app@127\.0\.0\.1:1\/x$/m);
    assert.ok(!r.stderr.includes('hunter2'));
  });
});

test('keys rotate against a production issuer without LATCHKEY_SECRET is refused, and makes no development secret', async () => {
  const ws = tempWorkspace();
  try {
    const { LATCHKEY_SECRET: _omitted, ...withoutSecret } = ws.env;
    const r = await cli(['keys', 'rotate'], { ...withoutSecret, LATCHKEY_ISSUER: 'https://id.example.com' });
    assert.equal(r.status, 1, r.stderr);
    assert.match(
      r.stderr,
      /LATCHKEY_SECRET: is required in production \(the issuer https:\/\/id\.example\.com is https\)/,
    );
    assert.ok(!readdirSync(ws.dir).includes('secret'), 'no development secret was generated');
  } finally {
    ws.cleanup();
  }
});

describe('latchkey serve refusals (before the database is touched)', () => {
  test('a taken port is refused naming --port and --issuer, and no database or key is created', async () => {
    const ws = tempWorkspace();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const r = await cli(['serve', '--port', String(port)], ws.env);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
      assert.match(r.stderr, /--port/);
      const withIssuer = await cli(
        ['serve', '--port', String(port), '--issuer', `http://localhost:${port}`],
        ws.env,
      );
      assert.match(withIssuer.stderr, /--issuer http:\/\/localhost:\d+ to match/);
      // The data folder holds neither a database nor a development secret.
      assert.deepEqual(readdirSync(ws.dir), []);
    } finally {
      blocker.close();
      ws.cleanup();
    }
  });

  const production: { name: string; env: NodeJS.ProcessEnv; args: string[] }[] = [
    { name: 'an https issuer', env: {}, args: ['--issuer', 'https://id.example.com'] },
    { name: 'NODE_ENV=production', env: { NODE_ENV: 'production' }, args: [] },
  ];
  for (const { name, env, args } of production) {
    test(`with ${name} and no LATCHKEY_SECRET it refuses to start, naming the variable and how to make one`, async () => {
      const ws = tempWorkspace();
      try {
        const { LATCHKEY_SECRET: _omitted, ...withoutSecret } = ws.env;
        const r = await cli(['serve', '--port', '0', ...args], { ...withoutSecret, ...env });
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /LATCHKEY_SECRET: is required in production/);
        assert.match(r.stderr, /openssl rand -hex 32/);
        assert.deepEqual(readdirSync(ws.dir), [], 'no development secret and no database were created');
      } finally {
        ws.cleanup();
      }
    });
  }
});
