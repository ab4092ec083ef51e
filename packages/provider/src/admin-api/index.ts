import type { FastifyInstance } from 'fastify';
import { ADMIN_API_PATH } from './audience.js';
import type { AdminApiPluginDeps } from './plugin.js';

export { ADMIN_API_PATH, adminApiAudience } from './audience.js';
export type { AdminApiPluginDeps as AdminApiDeps } from './plugin.js';

/**
 * Registers the admin API (issue 15) under `<issuer base path>/admin/api/v1`, as an encapsulated
 * plugin. Its modules (TypeBox, @fastify/swagger, the routes) are imported when the app is readied,
 * not when the provider package is imported (the CLI, the gateway's tests never load them).
 */
export function registerAdminApi(app: FastifyInstance, basePath: string, deps: AdminApiPluginDeps): void {
  app.register(
    async (scope) => {
      const { adminApiPlugin } = await import('./plugin.js');
      await adminApiPlugin(scope, deps);
    },
    { prefix: basePath + ADMIN_API_PATH },
  );
}
