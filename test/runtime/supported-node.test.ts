import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isSupported, supportedNode } from '../../scripts/supported-node.mjs';

const work = mkdtempSync(join(tmpdir(), 'latchkey-supported-node-'));
after(() => rmSync(work, { recursive: true, force: true }));

const packageName = `node-${process.platform}-${process.arch}`;
const oldNode = { version: 'v20.18.0', execPath: '/usr/bin/node' };
let cases = 0;

/**
 * A folder with a fake `npm` first on PATH. It appends its arguments to calls.log and, unless told to
 * fail, does what `npm install --prefix DIR node-…@24` does: a `bin/node` (answering `--version` with
 * v24.99.0) and `include/node/node_version.h` inside DIR/node_modules/<package>.
 */
function fakeRegistry(options: { fail?: boolean } = {}) {
  const dir = join(work, `case-${++cases}`);
  const bin = join(dir, 'bin');
  mkdirSync(bin, { recursive: true });
  const calls = join(dir, 'calls.log');
  const install = options.fail
    ? 'echo "(fake npm for a test: install refused)" >&2; exit 1'
    : [
        'while [ "$1" != "--prefix" ]; do shift; done; prefix="$2"',
        `pkg="$prefix/node_modules/${packageName}"`,
        'mkdir -p "$pkg/bin" "$pkg/include/node"',
        'printf "#!/bin/sh\\necho v24.99.0\\n" > "$pkg/bin/node"; chmod +x "$pkg/bin/node"',
        'touch "$pkg/include/node/node_version.h"',
      ].join('\n');
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "$*" >> "${calls}"\n${install}\n`);
  chmodSync(join(bin, 'npm'), 0o755);
  const env = { PATH: `${bin}${delimiter}${process.env.PATH}`, LATCHKEY_NODE_DIR: join(dir, 'node24') };
  const callCount = () => (existsSync(calls) ? readFileSync(calls, 'utf8').trim().split('\n').length : 0);
  return { env, calls, callCount, installDir: join(dir, 'node24') };
}

describe('scripts/supported-node.mjs: the Node that builds and tests Latchkey', () => {
  it('accepts Node 22.12 and later and refuses anything older', () => {
    for (const ok of ['v22.12.0', '22.13.1', 'v23.0.0', 'v24.0.0', 'v26.1.0'])
      assert.equal(isSupported(ok), true, ok);
    for (const old of ['v22.11.9', 'v20.19.2', '18.20.0', 'v21.7.3'])
      assert.equal(isSupported(old), false, old);
  });

  it('keeps a supported Node, puts its bin first on PATH and never calls npm', () => {
    const registry = fakeRegistry();
    const runtime = supportedNode({ env: registry.env, log: () => {} });
    assert.equal(runtime.node, process.execPath);
    assert.equal(runtime.version, process.version);
    assert.equal(runtime.env.PATH?.split(delimiter)[0], dirname(process.execPath));
    const prefix = dirname(dirname(process.execPath));
    const hasHeaders = existsSync(join(prefix, 'include', 'node', 'node_version.h'));
    assert.equal(runtime.env.npm_config_nodedir, hasHeaders ? prefix : undefined);
    assert.equal(registry.callCount(), 0);
  });

  it('installs Node 24 from the npm registry when the Node it runs on is older, once, with its headers as nodedir', () => {
    const registry = fakeRegistry();
    const lines: string[] = [];
    const runtime = supportedNode({ env: registry.env, log: (line) => lines.push(line), current: oldNode });
    const pkg = join(registry.installDir, 'node_modules', packageName);
    assert.equal(runtime.node, join(pkg, 'bin', 'node'));
    assert.equal(runtime.version, 'v24.99.0');
    assert.equal(runtime.env.PATH?.split(delimiter)[0], join(pkg, 'bin'));
    assert.equal(runtime.env.npm_config_nodedir, pkg);
    assert.deepEqual(runtime.exports, { PATH: runtime.env.PATH, npm_config_nodedir: pkg });
    assert.match(
      readFileSync(registry.calls, 'utf8'),
      new RegExp(`install --prefix ${registry.installDir} .*${packageName}@24`),
    );
    assert.match(lines.join('\n'), /Node 20\.18\.0 \(\/usr\/bin\/node\) is too old/);

    supportedNode({ env: registry.env, log: () => {}, current: oldNode });
    assert.equal(registry.callCount(), 1, 'the second call reuses the installed Node');
  });

  it('fails naming the Node it found, the Node it needs and how to get it when the install fails', () => {
    const registry = fakeRegistry({ fail: true });
    assert.throws(
      () => supportedNode({ env: registry.env, log: () => {}, current: oldNode }),
      (error: Error) => {
        assert.match(error.message, /Node 20\.18\.0 \(\/usr\/bin\/node\) is too old/);
        assert.match(error.message, /needs Node >= 22\.12/);
        assert.match(error.message, /installing it failed/);
        assert.match(error.message, /Install Node 24 from https:\/\/nodejs\.org/);
        return true;
      },
    );
  });
});
