#!/usr/bin/env node
// The `latchkey` command as npm links it (and as `npm start` runs it). npm links a workspace's bins before
// the root `prepare` script builds dist/, so the link must point at a file that is committed, not built:
// this one. It refuses a Node older than package.json's engines (better-sqlite3 crashes on one) and, when
// there is no build yet, says how to make it instead of failing with "not found".
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { meetsMinimum, minimumOf } from './node-version.js';

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const minimum = minimumOf(manifest.engines.node);
if (!meetsMinimum(process.version, minimum)) {
  console.error(
    `latchkey: Node ${process.version.slice(1)} (${process.execPath}) is too old: latchkey needs Node ` +
      `${minimum.join('.')} or later (Node 24 LTS recommended). Install it from https://nodejs.org ` +
      'or with your version manager, and put it first on PATH.',
  );
  process.exit(1);
}

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error(
    `latchkey: the CLI is not built yet (${fileURLToPath(main)} is missing). ` +
      "Run 'npm run build' at the repository root ('npm ci' and 'npm install' build it too).",
  );
  process.exit(1);
}
await import(main.href);
