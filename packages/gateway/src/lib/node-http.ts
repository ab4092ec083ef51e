import { createRequire } from 'node:module';

/**
 * `node:http`, loaded with require. Node 24's ES-module facade of a builtin reads every export, and
 * node:http's include lazy getters (WebSocket, CloseEvent, MessageEvent) that load Node's own copy of
 * undici (the fetch stack, not the `undici` package the proxy pools with): one `import … from
 * 'node:http'` costs ~14 MB resident on an idle gateway. The provider keeps the same module
 * (packages/provider/src/lib/node-http.ts, measurements in docs/performance-notes-memory.md): the
 * packages share no runtime package where it would belong. Type-only imports are free (erased).
 */
export const nodeHttp = createRequire(import.meta.url)('node:http') as typeof import('node:http');
