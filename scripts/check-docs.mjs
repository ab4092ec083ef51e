#!/usr/bin/env node
// Checks that each package's documentation and its export map agree (STYLE.md, point 10): every
// name a package exports at run time, from every entry in its `exports` map, is named in its
// README.md; every `latchkey` command is in the CLI's README. Runs on the build (dist/), after `tsc -b`.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const failures = [];

for (const dir of readdirSync(join(root, 'packages'))) {
  const pkgDir = join(root, 'packages', dir);
  const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const readmePath = join(pkgDir, 'README.md');
  if (!existsSync(readmePath)) {
    failures.push(`${manifest.name}: no README.md documenting its exports`);
    continue;
  }
  const readme = readFileSync(readmePath, 'utf8');
  for (const [subpath, conditions] of Object.entries(manifest.exports ?? {})) {
    const target = typeof conditions === 'string' ? conditions : conditions.default;
    const file = join(pkgDir, target);
    if (!existsSync(file)) {
      failures.push(`${manifest.name} "${subpath}": ${target} does not exist (run npm run build)`);
      continue;
    }
    if (dir === 'cli') {
      // The CLI's entry runs the program; its public surface is the command list.
      const { COMMANDS } = await import(pathToFileURL(join(pkgDir, 'dist/commands/index.js')).href);
      for (const command of COMMANDS) {
        const words = `latchkey ${command.path.join(' ')}`;
        if (!readme.includes(words))
          failures.push(`latchkey: command \`${words}\` is not documented in README.md`);
      }
      continue;
    }
    const module = await import(pathToFileURL(file).href);
    for (const name of Object.keys(module)) {
      if (!new RegExp(`\\b${name}\\b`).test(readme)) {
        failures.push(
          `${manifest.name}${subpath === '.' ? '' : subpath.slice(1)}: export \`${name}\` is not documented in README.md`,
        );
      }
    }
  }
}

if (failures.length > 0) {
  console.error('Documentation and exports disagree:');
  for (const f of failures) console.error(`  - ${f}`);
  process.exit(1);
}
console.log('check-docs: every exported name is documented.');
