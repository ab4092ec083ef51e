#!/usr/bin/env node
// The `latchkey` command as npm links it. npm links a workspace's bins before the root `prepare` script
// builds dist/, so the link must point at a file that is committed, not built: this one, which loads the
// build and, when there is none yet, says how to make it instead of failing with "not found".
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const main = new URL('../dist/main.js', import.meta.url);
if (!existsSync(fileURLToPath(main))) {
  console.error(
    `latchkey: the CLI is not built yet (${fileURLToPath(main)} is missing). ` +
      "Run 'npm run build' at the repository root ('npm ci' and 'npm install' build it too).",
  );
  process.exit(1);
}
await import(main.href);
