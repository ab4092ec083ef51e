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

test("the main entry's types name no framework: adapters are the subpaths /express, /fastify and /hono", () => {
  // A service that installs @latchkey/oidc without Express must type-check with skipLibCheck off.
  const index = readFileSync(new URL('../../src/index.ts', import.meta.url), 'utf8');
  for (const framework of ['express', 'fastify', 'hono']) {
    assert.ok(!index.includes(`./http/${framework}.js`), `src/index.ts re-exports ./http/${framework}.js`);
  }
  const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    exports: Record<string, unknown>;
  };
  assert.deepEqual(
    Object.keys(manifest.exports)
      .filter((p) => p !== '.')
      .sort(),
    ['./express', './fastify', './hono'],
  );
});
