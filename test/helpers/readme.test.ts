import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  blocksUnder,
  blockUnder,
  fillReadme,
  inlineUnder,
  parseReadme,
  shellCommands,
  shellWords,
} from './readme.js';

const markdown = [
  '# Project',
  '',
  'Run `npm ci` first.',
  '',
  '## Quick start',
  '',
  '```sh',
  'npm ci      # installs',
  'npm start',
  '```',
  '',
  '### Sign in',
  '',
  'Then `npx tool verify TOKEN --issuer http://x` works.',
  '',
  '```sh',
  "echo 'a # not a comment' | npx tool create \\",
  '  --name "My # app" --flag',
  '# a whole-line comment',
  '',
  'curl -s http://x/#frag',
  '```',
  '',
  '```',
  'http://x/authorize?a=1',
  '```',
  '',
  '## Library',
  '',
  '```ts',
  "const x = '```';",
  '```',
].join('\n');

describe('test/helpers/readme.ts: the code a README shows', () => {
  const readme = parseReadme(markdown);

  test('finds fenced blocks with their language and the headings above them', () => {
    assert.deepEqual(
      readme.blocks.map((b) => [b.lang, b.headings.join(' > '), b.line]),
      [
        ['sh', 'Project > Quick start', 7],
        ['sh', 'Project > Quick start > Sign in', 16],
        ['', 'Project > Quick start > Sign in', 24],
        ['ts', 'Project > Library', 30],
      ],
    );
    assert.equal(blockUnder(readme, 'Library', 'ts').code, "const x = '```';");
    assert.equal(blocksUnder(readme, 'Quick start').length, 1, 'a subsection’s blocks are not its parent’s');
  });

  test('finds inline code in the prose but not inside fenced blocks', () => {
    assert.deepEqual(
      readme.inline.map((s) => s.code),
      ['npm ci', 'npx tool verify TOKEN --issuer http://x'],
    );
    assert.equal(
      inlineUnder(readme, 'Sign in', 'npx tool verify'),
      'npx tool verify TOKEN --issuer http://x',
    );
    assert.throws(() => inlineUnder(readme, 'Sign in', 'npm start'), /expected one inline `npm start…`/);
  });

  test('splits a shell block into commands: continuations joined, comments dropped, quoted # kept', () => {
    assert.deepEqual(shellCommands(blockUnder(readme, 'Quick start', 'sh').code), ['npm ci', 'npm start']);
    assert.deepEqual(shellCommands(blockUnder(readme, 'Sign in', 'sh').code), [
      `echo 'a # not a comment' | npx tool create --name "My # app" --flag`,
      'curl -s http://x/#frag',
    ]);
  });

  test('splits one command line into words as a shell would, and refuses what it cannot', () => {
    assert.deepEqual(shellWords(`npx tool create --name "My \\"big\\" app" --x 'a b'  c\\ d`), [
      'npx',
      'tool',
      'create',
      '--name',
      'My "big" app',
      '--x',
      'a b',
      'c d',
    ]);
    assert.deepEqual(shellWords(`--empty ''`), ['--empty', '']);
    assert.throws(() => shellWords(`echo 'x' | tool`), /"\|"/);
    assert.throws(() => shellWords(`tool --name "open`), /unclosed/);
  });

  test('fills a README line for a run: literals everywhere, placeholders as whole words only', () => {
    assert.equal(
      fillReadme(
        'curl -u CLIENT_ID:SECRET http://localhost:8080/token -d code=CODE -d x=CODES',
        { 'http://localhost:8080': 'http://127.0.0.1:4100' },
        { CLIENT_ID: 'c1', CODE: 'abc' },
      ),
      'curl -u c1:SECRET http://127.0.0.1:4100/token -d code=abc -d x=CODES',
    );
  });
});
