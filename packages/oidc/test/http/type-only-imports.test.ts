// The library has no runtime dependencies: the adapters may import a framework's types, never its code.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

const dir = new URL('../../src/http/', import.meta.url);
const IMPORT = /^\s*(?:import|export)\s+(type\s+)?[^;]*?from\s+'([^']+)'/gm;

test('the http adapters import frameworks only with `import type`, and nothing but relative or node: modules', () => {
  const files = readdirSync(dir).filter((name) => name.endsWith('.ts'));
  assert.ok(files.includes('express.ts') && files.includes('fastify.ts') && files.includes('hono.ts'));
  for (const file of files) {
    for (const [, typeOnly, specifier] of readFileSync(new URL(file, dir), 'utf8').matchAll(IMPORT)) {
      const allowed = specifier!.startsWith('.') || specifier!.startsWith('node:') || typeOnly !== undefined;
      assert.ok(allowed, `${file} imports '${specifier}' at runtime`);
    }
  }
});
