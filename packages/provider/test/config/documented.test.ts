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
