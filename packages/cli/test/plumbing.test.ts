import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { meetsMinimum, minimumOf } from '../bin/node-version.js';
import { COMMANDS } from '../src/commands/index.js';
import { commandHelp } from '../src/lib/help.js';
import { cli, tempWorkspace } from './run-cli.js';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
  version: string;
  engines: { node: string };
  bin: Record<string, string>;
};

describe('latchkey: version, help and the installed command', () => {
  const ws = tempWorkspace();
  after(() => ws.cleanup());

  for (const flag of ['--version', '-V']) {
    test(`latchkey ${flag} prints the package version and exits 0`, async () => {
      const r = await cli([flag], ws.env);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, `${manifest.version}\n`);
    });
  }

  test('every repeatable option says "(repeatable)" exactly once in its command help', () => {
    for (const command of COMMANDS) {
      const help = commandHelp(command).split('\n');
      for (const [name, spec] of Object.entries(command.options)) {
        const line = help.find((l) => l.includes(`--${name} `) || l.endsWith(`--${name}`));
        assert.ok(line, `latchkey ${command.path.join(' ')} --help shows --${name}`);
        const count = line.split('repeatable').length - 1;
        assert.equal(count, spec.multiple ? 1 : 0, `latchkey ${command.path.join(' ')} --${name}: ${line}`);
      }
    }
  });

  // npm links a workspace's bins before `prepare` builds dist/: a bin inside dist/ is never linked.
  test('the latchkey bin is a committed file outside dist/, so npm ci can link it', () => {
    const bin = manifest.bin.latchkey;
    assert.ok(bin, 'package.json names a latchkey bin');
    assert.doesNotMatch(bin, /(^|\/)dist\//);
    assert.ok(existsSync(join(packageDir, bin)), `${bin} exists`);
    assert.match(readFileSync(join(packageDir, bin), 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  test('package-lock.json records the same bin, because npm ci links what the lock says', () => {
    const lock = JSON.parse(readFileSync(join(packageDir, '..', '..', 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { bin?: Record<string, string> }>;
    };
    const locked = lock.packages['packages/cli']?.bin?.latchkey;
    assert.equal(locked?.replace(/^\.\//, ''), manifest.bin.latchkey?.replace(/^\.\//, ''));
  });

  test('the latchkey bin runs the built CLI', () => {
    const r = spawnSync(process.execPath, [join(packageDir, manifest.bin.latchkey!), '--version'], {
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${manifest.version}\n`);
  });

  test('the latchkey bin refuses a Node older than its engines, naming both versions', () => {
    // The bin reads process.version; a preloaded module makes this Node claim to be 20.19.0.
    const olderNode = "data:text/javascript,Object.defineProperty(process,'version',{value:'v20.19.0'})";
    const r = spawnSync(
      process.execPath,
      ['--import', olderNode, join(packageDir, manifest.bin.latchkey!), '--version'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /Node 20\.19\.0 \(.+\) is too old: latchkey needs Node 22\.12 or later/);
  });

  test('node-version.js reads engines ranges and compares versions', () => {
    assert.deepEqual(minimumOf(manifest.engines.node), [22, 12]);
    assert.throws(() => minimumOf('^22'), /not of the form >=MAJOR\.MINOR/);
    assert.equal(meetsMinimum('v22.12.0', [22, 12]), true);
    assert.equal(meetsMinimum('22.11.5', [22, 12]), false);
    assert.equal(meetsMinimum('v24.0.0', [22, 12]), true);
    assert.equal(meetsMinimum('v21.9.0', [22, 12]), false);
  });

  test('the latchkey bin says how to build the CLI when dist/ is missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'latchkey-bin-'));
    try {
      mkdirSync(join(dir, 'bin'));
      const bin = join(dir, 'bin', 'latchkey.js');
      copyFileSync(join(packageDir, manifest.bin.latchkey!), bin);
      copyFileSync(join(packageDir, 'bin', 'node-version.js'), join(dir, 'bin', 'node-version.js'));
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ engines: manifest.engines }));
      const r = spawnSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
      assert.equal(r.status, 1);
      assert.match(r.stderr, /the CLI is not built yet .*dist\/main\.js is missing.*npm run build/);
      assert.equal(r.stdout, '');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
