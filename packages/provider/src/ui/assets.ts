import type { FastifyInstance } from 'fastify';
import { STYLESHEET_PATH, type Theme } from './theme.js';

/** GET /assets/latchkey.css: the pages' stylesheet, from the provider itself (no third-party assets). */
export function registerUiAssets(
  app: FastifyInstance,
  deps: { readonly basePath: string; readonly theme: Theme },
): void {
  app.get(deps.basePath + STYLESHEET_PATH, (_request, reply) =>
    reply
      .headers({
        'content-type': 'text/css; charset=utf-8',
        // The URL pages use carries a content hash, so a long cache is safe.
        'cache-control': 'public, max-age=86400',
        // Same-origin pages only.
        'cross-origin-resource-policy': 'same-origin',
      })
      .send(deps.theme.css),
  );
  // Every browser asks for /favicon.ico on its own; "no icon" is an answer, a 404 is an error in its console.
  app.get('/favicon.ico', (_request, reply) =>
    reply.code(204).header('cache-control', 'public, max-age=86400').send(),
  );
}
