import type { FastifyInstance } from 'fastify';
import { listConnectors } from '../../admin/connectors/connectors.js';
import { consoleGet } from '../action.js';
import type { ConsoleContext } from '../context.js';
import { connectorsContent } from '../pages/connectors.js';

/** Connectors: what the configuration set up, secrets masked, with the identities linked through each. */
export function registerConnectorPage(app: FastifyInstance, ctx: ConsoleContext): void {
  consoleGet(app, ctx, ctx.paths.connectors, async (_request, reply, admin) =>
    ctx.page(reply, admin, {
      title: 'Connectors',
      section: 'connectors',
      content: connectorsContent(await listConnectors(ctx.stores, ctx.connectors)),
    }),
  );
}
