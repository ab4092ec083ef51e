/**
 * The README's quick start, run as a new user would: the repository is cloned (its committed HEAD) into
 * a temp folder with nothing beside it, and the commands are taken from README.md itself — `npm ci`,
 * `npm start`, the discovery `curl`, the `npx latchkey user create`/`client create` lines, the
 * authorization URL in headless Chromium (sign in, allow), the `curl` code exchange and
 * `npx latchkey jwt verify`. The only edits are the ones the README asks of its reader: the client id,
 * secret, code and token in place of their placeholders, and the port (a free one instead of 8080, set
 * with LATCHKEY_PORT and LATCHKEY_ISSUER from docs/configuration.md, so that parallel runs and a
 * developer's own provider do not collide). Slow (npm ci): scripts/test.mjs runs it in its own phase.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { type LaunchedChromium, launchChromium } from '../helpers/chromium.js';
import { freePort } from '../helpers/free-port.js';
import {
  blockUnder,
  fillReadme,
  inlineUnder,
  type Readme,
  readReadme,
  shellCommands,
} from '../helpers/readme.js';

const repository = fileURLToPath(new URL('../..', import.meta.url));
const README_ISSUER = 'http://localhost:8080';

/**
 * The environment of a person's shell: no test runner, npm lifecycle or Latchkey settings inherited
 * (an inherited npm_config_local_prefix or DATABASE_URL would point the clone at this checkout's files),
 * but the same PATH (the supported Node first) and native-addon headers.
 */
function userEnvironment(port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    const inherited =
      /^npm_/i.test(name) ||
      name.startsWith('LATCHKEY_') ||
      ['NODE_ENV', 'NODE_OPTIONS', 'NODE_TEST_CONTEXT', 'DATABASE_URL', 'INIT_CWD'].includes(name);
    if (!inherited) env[name] = value;
  }
  if (process.env.npm_config_nodedir) env.npm_config_nodedir = process.env.npm_config_nodedir;
  env.LATCHKEY_PORT = String(port);
  env.LATCHKEY_ISSUER = `http://localhost:${port}`;
  return env;
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

let work: string;
let clone: string;
let readme: Readme;
let env: NodeJS.ProcessEnv;
let issuer: string;
let server: ChildProcess | undefined;
let serverOutput = '';
let browser: LaunchedChromium | undefined;

/** Runs one README command line in the clone, through bash as a terminal would. */
function sh(command: string, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      'bash',
      ['-c', command],
      { cwd: clone, env, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const status = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ status, stdout, stderr });
      },
    );
  });
}

/** The README's text for this run: its issuer replaced by ours, and each placeholder by its value. */
function fill(text: string, values: Record<string, string> = {}): string {
  return fillReadme(text, { [README_ISSUER]: issuer }, values);
}

async function waitForDiscovery(deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    if (server?.exitCode !== null) throw new Error(`npm start exited:\n${serverOutput}`);
    try {
      const response = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`npm start did not serve discovery within ${deadlineMs} ms:\n${serverOutput}`);
}

describe('the README quick start, in a fresh clone with nothing beside it', { timeout: 240_000 }, () => {
  const quickStart = () => shellCommands(blockUnder(readme, 'Quick start', 'sh').code);
  const signInBlock = () =>
    shellCommands(blockUnder(readme, 'Sign in from a browser', 'sh', (c) => c.includes('npx latchkey')).code);
  const state: { clientId?: string; clientSecret?: string; code?: string; accessToken?: string } = {};

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'latchkey-quickstart-'));
    clone = join(work, 'latchkey');
    const cloned = await new Promise<Run>((resolve) =>
      execFile('git', ['clone', '--quiet', repository, clone], (error, stdout, stderr) =>
        resolve({ status: error ? 1 : 0, stdout, stderr }),
      ),
    );
    assert.equal(cloned.status, 0, cloned.stderr);
    readme = readReadme(join(clone, 'README.md'));
    const port = await freePort();
    env = userEnvironment(port);
    issuer = `http://localhost:${port}`;
  });

  after(async () => {
    await browser?.close();
    if (server?.pid !== undefined && server.exitCode === null) {
      const group = -server.pid; // npm start and the node it runs
      const exited = new Promise((r) => server!.once('exit', r));
      process.kill(group, 'SIGTERM');
      const stuck = setTimeout(() => process.kill(group, 'SIGKILL'), 10_000);
      await exited;
      clearTimeout(stuck);
    }
    rmSync(work, { recursive: true, force: true });
  });

  test('the quick start block is npm ci, then npm start', () => {
    assert.deepEqual(
      quickStart().map((c) => c.split(/\s+/).slice(0, 2).join(' ')),
      ['npm ci', 'npm start'],
    );
  });

  test('npm ci installs, builds every package and links the latchkey command', async () => {
    const install = await sh(quickStart()[0]!, 180_000);
    assert.equal(install.status, 0, `${install.stdout}\n${install.stderr}`);
    assert.doesNotMatch(install.stderr, /EBADENGINE/);
    assert.ok(existsSync(join(clone, 'node_modules/.bin/latchkey')), 'node_modules/.bin/latchkey');
    assert.ok(existsSync(join(clone, 'packages/cli/dist/main.js')), 'the CLI is built');
  });

  // Not a README command, but the clone is the place to prove it: nothing beside it holds a file the
  // tests read (the Wycheproof and RFC 7520 vectors once lived outside the repository).
  test('the test vectors are in the repository: their tests pass in the clone', async () => {
    const run = await sh(
      'node --import tsx --conditions=latchkey-source --test ' +
        'packages/oidc/test/jose/wycheproof.test.ts packages/oidc/test/jose/rfc7520.test.ts',
      60_000,
    );
    assert.equal(run.status, 0, `${run.stdout.slice(-3000)}\n${run.stderr}`);
    assert.match(run.stdout, /^# fail 0$|ℹ fail 0/m);
  });

  test('npm start serves the provider, and the discovery curl shows its issuer', async () => {
    server = spawn('bash', ['-c', quickStart()[1]!], { cwd: clone, env, detached: true });
    server.stdout?.on('data', (chunk: Buffer) => (serverOutput += chunk));
    server.stderr?.on('data', (chunk: Buffer) => (serverOutput += chunk));
    await waitForDiscovery(30_000);
    const discovery = await sh(fill(inlineUnder(readme, 'Quick start', 'curl ')));
    assert.equal(discovery.status, 0, discovery.stderr);
    assert.equal((JSON.parse(discovery.stdout) as { issuer: string }).issuer, issuer);
  });

  test('the npx latchkey user create and client create lines make alice and a client', async () => {
    const [createUser, createClient, ...rest] = signInBlock();
    assert.equal(rest.length, 0);
    const user = await sh(fill(createUser!));
    assert.equal(user.status, 0, user.stderr);
    const client = await sh(fill(createClient!));
    assert.equal(client.status, 0, client.stderr);
    state.clientId = /^client_id:\s+(\S+)$/m.exec(client.stdout)?.[1];
    state.clientSecret = /^client_secret:\s+(\S+)$/m.exec(client.stdout)?.[1];
    assert.ok(state.clientId && state.clientSecret, client.stdout);
  });

  test('the authorization URL signs alice in through Chromium and the redirect carries a code', async () => {
    assert.ok(state.clientId, 'needs the client from the step before');
    // Who to sign in as, from the README's own user create line: echo 'PASSWORD' | … --username NAME …
    const createUser = signInBlock()[0]!;
    const password = /^echo '([^']+)' \|/.exec(createUser)?.[1];
    const username = /--username (\S+)/.exec(createUser)?.[1];
    assert.ok(password && username, createUser);

    const url = fill(blockUnder(readme, 'Sign in from a browser', '').code.trim(), {
      CLIENT_ID: state.clientId,
    });
    const redirectUri = new URL(url).searchParams.get('redirect_uri')!;
    browser = await launchChromium();
    const page = await browser.context.newPage();
    await page.goto(url);
    await page.fill('input[name="username"]', username);
    await page.fill('input[name="password"]', password);
    await Promise.all([
      page.waitForURL((u) => u.pathname === '/consent'),
      page.click('button[type="submit"]'),
    ]);
    // Nothing listens at the redirect URI: like the reader, take the code from the address the browser
    // was sent to.
    const [callback] = await Promise.all([
      page.waitForRequest((request) => request.url().startsWith(redirectUri)),
      page.click('button[type="submit"][name="decision"][value="approve"]'),
    ]);
    const landed = new URL(callback.url());
    assert.equal(landed.searchParams.get('state'), new URL(url).searchParams.get('state'));
    assert.equal(landed.searchParams.get('iss'), issuer);
    state.code = landed.searchParams.get('code') ?? undefined;
    assert.ok(state.code, landed.href);
  });

  test('the curl exchange returns an ID token and an access token', async () => {
    assert.ok(state.code && state.clientId && state.clientSecret, 'needs the code from the step before');
    const [exchange, ...rest] = shellCommands(
      blockUnder(readme, 'Sign in from a browser', 'sh', (c) => c.includes('/token')).code,
    );
    assert.equal(rest.length, 0);
    const answer = await sh(
      fill(exchange!, { CLIENT_ID: state.clientId, CLIENT_SECRET: state.clientSecret, CODE: state.code }),
    );
    assert.equal(answer.status, 0, answer.stderr);
    const tokens = JSON.parse(answer.stdout) as { id_token?: string; access_token?: string; error?: string };
    assert.ok(tokens.id_token, answer.stdout.replace(/"[\w-]+\.[\w-]+\.[\w-]+"/g, '"…"'));
    assert.ok(tokens.access_token);
    state.accessToken = tokens.access_token;
  });

  test('npx latchkey jwt verify accepts the access token', async () => {
    assert.ok(state.accessToken, 'needs the access token from the step before');
    const verify = inlineUnder(readme, 'Sign in from a browser', 'npx latchkey jwt verify');
    const result = await sh(fill(verify, { ACCESS_TOKEN: state.accessToken }));
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, new RegExp(`^Valid: signed by ${issuer.replaceAll('.', '\\.')}`));
    const { claims } = JSON.parse(result.stdout) as { claims: { iss: string; sub: string; aud: string } };
    assert.equal(claims.iss, issuer);
    // One story: the token is for the API the authorization URL asked for (RFC 8707), the audience the
    // verify line and the README's @latchkey/oidc snippets check (test/readme/snippets.test.ts runs those).
    const url = new URL(fill(blockUnder(readme, 'Sign in from a browser', '').code.trim()));
    assert.equal(claims.aud, url.searchParams.get('resource'));
    assert.match(verify, new RegExp(`--audience ${claims.aud.replaceAll('.', '\\.')}( |$)`));
  });

  test("the landing page's Try a sign-in reaches the decoded tokens, each verified", async () => {
    assert.ok(browser, 'needs the browser signed in as alice from the steps before');
    const page = await browser.context.newPage();
    await page.goto(`${issuer}/`);
    // Alice is signed in already: /authorize answers with the consent page for the demo itself.
    await page.getByRole('link', { name: 'Try a sign-in' }).click();
    await page.waitForSelector('button[name="decision"][value="approve"]');
    await Promise.all([
      page.waitForURL((url) => url.pathname === '/demo/callback'),
      page.click('button[name="decision"][value="approve"]'),
    ]);
    for (const name of ['ID token', 'Access token']) {
      const checks = await page.getByRole('region', { name }).locator('.checks li strong').allTextContents();
      for (const check of ['signature', 'iss', 'aud', 'exp', 'typ'])
        assert.ok(checks.includes(check), `${name}: ${check} passed`);
    }
  });
});
