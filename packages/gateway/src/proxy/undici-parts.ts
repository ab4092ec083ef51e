import { createRequire } from 'node:module';
import type { Pool as UndiciPool, util as undiciUtil } from 'undici';

/**
 * The two parts of the `undici` package the proxy uses, required from their own modules instead of the
 * package's index. The index also builds undici's fetch, cookies and WebSocket exports, and its cookie
 * helpers read `globalThis.Headers`, which makes Node load its own bundled copy of undici as well:
 * ~14 MB resident on an idle gateway (bare Node: 71 MB with `require('undici')`, 57 MB with these two
 * modules; docs/performance-notes-memory.md). These paths are undici's internal layout (the package has
 * no `exports` map): test/e2e/lazy-loading.test.ts starts the gateway and fails if an upgrade moves them
 * or brings the bundled copy back.
 */
const require = createRequire(import.meta.url);

export const Pool = require('undici/lib/dispatcher/pool') as typeof UndiciPool;
export type Pool = UndiciPool;
export const headerNameToString = (require('undici/lib/core/util') as typeof undiciUtil).headerNameToString;
