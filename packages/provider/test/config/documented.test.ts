import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { CONFIG_FIELDS } from '@latchkey/provider';

const docs = readFileSync(new URL('../../../../docs/configuration.md', import.meta.url), 'utf8');

test('docs/configuration.md documents every configuration key and its environment variables', () => {
  for (const field of CONFIG_FIELDS) {
    assert.ok(docs.includes(`| \`${field.path}\` |`), `${field.path} is missing from docs/configuration.md`);
    for (const name of field.env) assert.ok(docs.includes(`\`${name}\``), `${name} is missing`);
  }
});

test('docs/configuration.md gives every default the schema gives, read the way the provider reads it', () => {
  const defaults = new Map(
    docs
      .split('\n')
      .filter((line) => line.startsWith('| `'))
      .map((line) => line.split('|').map((cell) => cell.trim()))
      .map((cells) => [cells[1]!.replaceAll('`', ''), cells[3]!] as const),
  );
  for (const field of CONFIG_FIELDS) {
    if (field.default === undefined) continue;
    const cell = defaults.get(field.path) ?? '';
    // `30d`, `RS256,ES256`, `{}`; or "none" for an empty list.
    const written = /^`([^`]*)`/.exec(cell)?.[1];
    const checked = written === undefined ? undefined : field.check(written);
    const documented = cell.startsWith('none') ? [] : checked?.ok ? checked.value : cell;
    assert.deepEqual(documented, field.default, `${field.path}: the docs say ${cell}`);
  }
});
