import { createRequire } from 'node:module';

/**
 * `node:http`, loaded with require. Node 24's ES-module facade of a builtin reads every export, and
 * node:http's exports include lazy getters (WebSocket, CloseEvent, MessageEvent) that load undici, the
 * fetch stack: one `import … from 'node:http'` costs ~14 MB resident (bare Node measured 47 MB with
 * require, 61 MB with import). Every use of node:http in the provider comes from here (type-only
 * imports are free: they are erased).
 */
export const nodeHttp = createRequire(import.meta.url)('node:http') as typeof import('node:http');
