/**
 * The README's `@latchkey/oidc` snippets and `latchkey` command lines, taken from README.md itself (not
 * copied) so they cannot drift from what works: the TypeScript snippets type-check under the
 * repository's strict settings, and they accept the very access token the README's walk-through obtains
 * (the client it registers, its authorization URL signed in over HTTP, its curl exchange) and refuse a
 * token for another audience. The only edits are those test/quickstart makes: the provider's URL and a
 * free port for the API in place of the README's localhost:8080 and localhost:3001.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath, pathToFileURL } from 'node:url';
import ts from 'typescript';
import { cli } from '../../packages/cli/test/run-cli.js';
import { freePort } from '../helpers/free-port.js';
import { HttpBrowser } from '../helpers/http-browser.js';
import { signInOverHttp } from '../helpers/http-sign-in.js';
import { startTestProvider, type TestProvider } from '../helpers/provider.js';
import {
  blocksUnder,
  blockUnder,
  fillReadme,
  inlineUnder,
  readReadme,
  shellCommands,
  shellWords,
} from '../helpers/readme.js';

const repository = fileURLToPath(new URL('../..', import.meta.url));
const readme = readReadme(join(repository, 'README.md'));
const README_ISSUER = 'http://localhost:8080';
const README_API = 'http://localhost:3001';
const README_API_PORT = new URL(README_API).port;
const LIBRARY = 'Verifying tokens in your service: `@latchkey/oidc`';
const WALK_THROUGH = 'Sign in from a browser';

const snippets = () => blocksUnder(readme, LIBRARY, 'ts');
/** Inside the repository, so that `@latchkey/oidc` and `express` resolve as in a workspace package. */
const snippetDir = join(repository, 'test/readme', `.snippets-${process.pid}`);

function writeSnippets(edit: (code: string) => string): string[] {
  mkdirSync(snippetDir, { recursive: true });
  return snippets().map((block, i) => {
    const file = join(snippetDir, `snippet-${i + 1}-line-${block.line}.ts`);
    writeFileSync(file, edit(block.code));
    return file;
  });
}

/** A README `[npx] latchkey …` line (the command after a pipe) as the CLI's arguments. */
function latchkeyArgs(line: string): { args: string[]; stdin: string } {
  const [left, right] = line.includes(' | ') ? line.split(' | ') : [undefined, line];
  const words = shellWords(right!);
  const at = words.indexOf('latchkey');
  assert.ok(at === 0 || (at === 1 && words[0] === 'npx'), line);
  const echoed = left === undefined ? undefined : shellWords(left);
  if (echoed) assert.equal(echoed[0], 'echo', line);
  return { args: words.slice(at + 1), stdin: echoed ? `${echoed.slice(1).join(' ')}\n` : '' };
}

/** Every `latchkey …` command line the README shows, in code blocks and in the prose. */
function latchkeyLines(): string[] {
  const lines = [
    ...readme.blocks.filter((b) => b.lang === 'sh').flatMap((b) => shellCommands(b.code)),
    ...readme.inline.map((s) => s.code),
  ];
  return lines
    .map((line) => line.split(' | ').at(-1)!)
    .filter((command) => /^(npx )?latchkey [a-z]/.test(command));
}

/** Runs one README command line through bash, as a terminal would; its stdout, or the failure. */
function bash(command: string): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('bash', ['-c', command], (error, stdout, stderr) =>
      error ? reject(new Error(`${command}: ${stderr || error.message}`)) : resolve(stdout),
    ),
  );
}

describe('the README’s TypeScript snippets type-check under the repository’s strict settings', () => {
  after(() => rmSync(snippetDir, { recursive: true, force: true }));

  test('there are two: createVerifier alone, and the Express API', () => {
    assert.equal(snippets().length, 2);
    assert.match(snippets()[0]!.code, /createVerifier\(/);
    assert.match(snippets()[1]!.code, /expressBearerAuth\(/);
  });

  test('tsc finds no error in them', { timeout: 120_000 }, () => {
    const files = writeSnippets((code) => code);
    const configFile = join(repository, 'tsconfig.check.json');
    const config = ts.getParsedCommandLineOfConfigFile(
      configFile,
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) =>
          assert.fail(ts.flattenDiagnosticMessageText(d.messageText, '\n')),
      },
    );
    assert.ok(config);
    assert.equal(config.options.strict, true);
    const program = ts.createProgram(files, { ...config.options, noEmit: true });
    const errors = ts
      .getPreEmitDiagnostics(program)
      .filter((d) => d.file !== undefined && files.includes(d.file.fileName));
    assert.deepEqual(
      errors.map((d) => {
        const { line } = d.file!.getLineAndCharacterOfPosition(d.start ?? 0);
        return `${d.file!.fileName.slice(snippetDir.length + 1)}:${line + 1}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }),
      [],
    );
  });
});

describe('the walk-through’s access token is the one its API snippet accepts', { timeout: 120_000 }, () => {
  let op: TestProvider;
  let api: string;
  let apiPort: number;
  let server: Server | undefined;
  let clientId: string;
  let clientSecret: string;
  const tokens: { api?: string; userinfo?: string; sub?: string } = {};

  /** The README's text for this run: our provider and API port in place of the README's. */
  const fill = (text: string, values: Record<string, string> = {}) =>
    fillReadme(
      text,
      {
        [README_ISSUER]: op.issuer,
        [README_API]: api,
        [`listen(${README_API_PORT})`]: `listen(${apiPort})`,
      },
      values,
    );

  const signInBlock = () =>
    shellCommands(blockUnder(readme, WALK_THROUGH, 'sh', (c) => c.includes('npx latchkey')).code);

  /** The README's authorization URL, signed in over HTTP, then its curl exchange; returns the tokens. */
  async function walkThrough(edit: (url: URL) => void = () => {}) {
    const createUser = latchkeyArgs(signInBlock()[0]!);
    const username = createUser.args[createUser.args.indexOf('--username') + 1]!;
    const url = new URL(fill(blockUnder(readme, WALK_THROUGH, '').code.trim(), { CLIENT_ID: clientId }));
    edit(url);
    const redirect = await signInOverHttp({
      browser: new HttpBrowser(op.issuer),
      authorizationUrl: url,
      username,
      password: createUser.stdin.trimEnd(),
    });
    const code = redirect.searchParams.get('code');
    assert.ok(code, redirect.href);
    const [exchange] = shellCommands(
      blockUnder(readme, WALK_THROUGH, 'sh', (c) => c.includes('/token')).code,
    );
    const stdout = await bash(
      fill(exchange!, { CLIENT_ID: clientId, CLIENT_SECRET: clientSecret, CODE: code }),
    );
    const answer = JSON.parse(stdout) as { access_token?: string; id_token?: string };
    assert.ok(answer.access_token && answer.id_token, stdout.replace(/[\w-]+\.[\w-]+\.[\w-]+/g, '…'));
    return { accessToken: answer.access_token, idToken: answer.id_token };
  }

  const claimsOf = (jwt: string) =>
    JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString()) as {
      aud: string | string[];
      sub: string;
    };

  before(async () => {
    op = await startTestProvider();
    apiPort = await freePort();
    api = `http://localhost:${apiPort}`;
  });

  after(async () => {
    if (server) await new Promise((resolve) => server!.close(resolve));
    await op?.close();
    rmSync(snippetDir, { recursive: true, force: true });
  });

  test('the user create and client create lines make alice and a client for the API', async () => {
    const [createUser, createClient, ...rest] = signInBlock();
    assert.equal(rest.length, 0);
    const user = latchkeyArgs(createUser!);
    assert.equal((await cli(user.args, op.env, user.stdin)).status, 0);
    const client = latchkeyArgs(fill(createClient!));
    assert.ok(client.args.includes('--resource'), 'the client is registered for the API');
    const created = await cli(client.args, op.env);
    assert.equal(created.status, 0, created.stderr);
    clientId = /^client_id:\s+(\S+)$/m.exec(created.stdout)![1]!;
    clientSecret = /^client_secret:\s+(\S+)$/m.exec(created.stdout)![1]!;
  });

  test('the authorization URL and the curl exchange give an access token whose aud is the API', async () => {
    const { accessToken, idToken } = await walkThrough();
    assert.deepEqual([claimsOf(accessToken).aud].flat(), [api]);
    tokens.api = accessToken;
    tokens.sub = claimsOf(idToken).sub;
  });

  test('npx latchkey jwt verify, as the README writes it, accepts that token', async () => {
    assert.ok(tokens.api, 'needs the token from the step before');
    const verify = latchkeyArgs(
      fill(inlineUnder(readme, WALK_THROUGH, 'npx latchkey jwt verify'), { ACCESS_TOKEN: tokens.api }),
    );
    assert.ok(verify.args.includes('--audience'), 'the command checks the audience');
    const result = await cli(verify.args, op.env);
    assert.equal(result.status, 0, result.stderr);
  });

  test('a token asked for without resource names only UserInfo, as the README says', async () => {
    const { accessToken } = await walkThrough((url) => {
      url.searchParams.delete('resource');
      url.searchParams.set('prompt', 'consent'); // alice consented already; the helper expects the page
    });
    assert.deepEqual([claimsOf(accessToken).aud].flat(), [`${op.issuer}/userinfo`]);
    tokens.userinfo = accessToken;
  });

  test('the createVerifier snippet accepts the API token and refuses the UserInfo one', async () => {
    assert.ok(tokens.api && tokens.userinfo, 'needs the tokens from the steps before');
    const [file] = writeSnippets(fill);
    const { whoIs } = (await import(pathToFileURL(file!).href)) as {
      whoIs: (token: string) => Promise<string | undefined>;
    };
    assert.equal(await whoIs(tokens.api), tokens.sub);
    await assert.rejects(whoIs(tokens.userinfo), { code: 'ERR_JWT_CLAIM_INVALID' });
  });

  test('the Express snippet answers 200 with alice’s sub for the token, 401 without it or for UserInfo', async () => {
    assert.ok(tokens.api && tokens.userinfo, 'needs the tokens from the steps before');
    const [, file] = writeSnippets(fill);
    ({ server } = (await import(pathToFileURL(file!).href)) as { server: Server });
    if (!server.listening) await new Promise((resolve) => server!.once('listening', resolve));
    const call = (token?: string) =>
      fetch(`${api}/api/me`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

    const ok = await call(tokens.api);
    assert.equal(ok.status, 200);
    assert.deepEqual(await ok.json(), { sub: tokens.sub });
    const none = await call();
    assert.equal(none.status, 401);
    assert.match(none.headers.get('www-authenticate') ?? '', /^Bearer/);
    assert.doesNotMatch(
      none.headers.get('www-authenticate') ?? '',
      /error=/,
      'RFC 6750 §3.1: no token, no error',
    );
    // The README's own curl line against it.
    const curl = fill(inlineUnder(readme, LIBRARY, 'curl '), { ACCESS_TOKEN: tokens.api });
    const curled = await bash(`${curl} --fail-with-body -s`);
    assert.deepEqual(JSON.parse(curled), { sub: tokens.sub });
    const otherAudience = await call(tokens.userinfo);
    assert.equal(otherAudience.status, 401);
    assert.match(otherAudience.headers.get('www-authenticate') ?? '', /error="invalid_token"/);
  });
});

describe('every latchkey command line in the README parses', () => {
  const lines = latchkeyLines();

  test('the README shows latchkey commands', () => {
    assert.ok(lines.length >= 4, lines.join('\n'));
  });

  for (const line of lines) {
    test(line.replace(/\s+/g, ' ').slice(0, 100), async () => {
      const { args } = latchkeyArgs(line);
      const help = await cli([...args, '--help'], {});
      assert.equal(help.status, 0, help.stderr);
      // The command path: the words before the first option or placeholder (`jwt verify ACCESS_TOKEN …`).
      const end = args.findIndex((a) => !/^[a-z][a-z-]*$/.test(a));
      const command = args.slice(0, end === -1 ? undefined : end).join(' ');
      assert.ok(help.stdout.startsWith(`Usage: latchkey ${command} `), help.stdout);
    });
  }
});
