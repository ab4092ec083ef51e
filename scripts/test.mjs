#!/usr/bin/env node
// One test command for the whole repository: node:test over TypeScript sources (via tsx).
// Packages are imported from source through the `latchkey-source` export condition,
// so tests never depend on a stale dist/. Usage: npm test [-- path-prefix ...]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { supportedNode } from './supported-node.mjs';

const root = new URL('..', import.meta.url).pathname;
// The tests run on a supported Node even when `npm test` was started by an older one (the pretest step
// installed Node 24 then; this finds it again), with that Node first on PATH for the processes they start.
let runtime;
try {
  runtime = supportedNode();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
console.log(`# Node ${runtime.version} (${runtime.node})`);
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

// Phase 1: everything but test/quickstart/ and test/cluster/, two files at a time. Then the README's quick
// start in a fresh clone (test/quickstart/: slow, it runs npm ci), on its own. Last the cluster tests, one
// file at a time and only after the others: each runs several provider processes under load and asserts
// recovery times, which other files running beside them on a two-core machine would distort. No test
// stops or restarts the machine's PostgreSQL: the restart test breaks a private server it starts itself
// (test/helpers/private-postgres.ts), and the other cluster tests only use DATABASE_URL.
const isQuickstart = (f) => f.startsWith('test/quickstart/');
const isCluster = (f) => f.startsWith('test/cluster/');
const phases = [
  {
    name: 'packages and end-to-end tests',
    files: files.filter((f) => !isCluster(f) && !isQuickstart(f)),
    concurrency: 2,
  },
  {
    name: 'test/quickstart (the README in a fresh clone)',
    files: files.filter(isQuickstart),
    concurrency: 1,
  },
  { name: 'test/cluster (serial)', files: files.filter(isCluster), concurrency: 1 },
].filter((phase) => phase.files.length > 0);

// Each phase also writes a TAP copy of its results, so the run can end with one total for all phases.
const tapDir = mkdtempSync(join(tmpdir(), 'latchkey-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
function addTotals(tapFile) {
  let text = '';
  try {
    text = readFileSync(tapFile, 'utf8');
  } catch {
    return;
  }
  const count = (name) => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
  totals.passed += count('pass');
  totals.failed += count('fail') + count('cancelled');
  totals.skipped += count('skipped') + count('todo');
}

const outcomes = [];
for (const [index, phase] of phases.entries()) {
  if (phases.length > 1) console.log(`\n# phase ${index + 1}: ${phase.name}: ${phase.files.length} files`);
  const result = spawnSync(
    runtime.node,
    [
      '--import',
      'tsx',
      '--conditions=latchkey-source',
      '--test',
      `--test-concurrency=${phase.concurrency}`,
      '--test-reporter=spec',
      '--test-reporter-destination=stdout',
      '--test-reporter=tap',
      `--test-reporter-destination=${join(tapDir, `phase-${index + 1}.tap`)}`,
      ...phase.files,
    ],
    { cwd: root, stdio: 'inherit', env: { ...runtime.env, NODE_ENV: 'test' } },
  );
  outcomes.push(result.status === 0);
  addTotals(join(tapDir, `phase-${index + 1}.tap`));
}
rmSync(tapDir, { recursive: true, force: true });
// The summary of each phase is printed by node:test above; this line says which phase failed, if any.
if (outcomes.length > 1)
  console.log(
    `\n# phases: ${outcomes.map((ok, i) => `phase ${i + 1} ${ok ? 'passed' : 'FAILED'}`).join(', ')}`,
  );
console.log(`\n${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(outcomes.every(Boolean) ? 0 : 1);
