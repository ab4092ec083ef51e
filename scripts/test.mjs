#!/usr/bin/env node
// One test command for the whole repository: node:test over TypeScript sources (via tsx).
// Packages are imported from source through the `latchkey-source` export condition,
// so tests never depend on a stale dist/. Usage: npm test [-- path-prefix ...]
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const roots = ['packages', 'test'];

function collect(dir, out) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) collect(path, out);
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const filters = process.argv.slice(2);
const files = roots
  .flatMap((r) => collect(join(root, r), []))
  .filter((f) => filters.length === 0 || filters.some((p) => f.startsWith(p) || f.includes(p)))
  .sort();

if (files.length === 0) {
  console.error(`No test files matched ${filters.join(' ') || '(all)'}.`);
  process.exit(1);
}

// Phase 1: everything but test/cluster/, two files at a time. Phase 2: the cluster fault tests, one file
// at a time and only after phase 1, because they restart the shared PostgreSQL server (which would break
// any other file's database tests running beside them).
const isCluster = (f) => f.startsWith('test/cluster/');
const phases = [
  { files: files.filter((f) => !isCluster(f)), concurrency: 2 },
  { files: files.filter(isCluster), concurrency: 1 },
].filter((phase) => phase.files.length > 0);

const outcomes = [];
for (const phase of phases) {
  if (phases.length > 1)
    console.log(
      `\n# ${phase === phases[0] ? 'phase 1' : 'phase 2: test/cluster (serial)'}: ${phase.files.length} files`,
    );
  const result = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      '--conditions=latchkey-source',
      '--test',
      `--test-concurrency=${phase.concurrency}`,
      ...phase.files,
    ],
    { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_ENV: 'test' } },
  );
  outcomes.push(result.status === 0);
}
// The summary of each phase is printed by node:test above; this line says which phase failed, if any.
if (outcomes.length > 1)
  console.log(
    `\n# phases: ${outcomes.map((ok, i) => `phase ${i + 1} ${ok ? 'passed' : 'FAILED'}`).join(', ')}`,
  );
process.exit(outcomes.every(Boolean) ? 0 : 1);
