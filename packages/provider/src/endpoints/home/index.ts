import type { FastifyInstance } from 'fastify';
import { pageCsp } from '../../ui/csp.js';
import type { SafeHtml } from '../../ui/html.js';
import { PAGE_ROUTE } from '../../ui/page-route.js';
import { homePage } from '../../ui/pages/home.js';
import { sendPage } from '../../ui/send-page.js';
import type { Theme } from '../../ui/theme.js';
import { ENDPOINT_PATHS } from '../paths.js';

export interface HomeDeps {
  readonly issuer: string;
  readonly basePath: string;
  readonly theme: Theme;
  readonly development: boolean;
  /** A section added to the development landing page (registered by the demo, when there is one). */
  readonly extra?: () => Promise<SafeHtml>;
  /** The admin console's path relative to the issuer, linked from a development issuer's page. */
  readonly consolePath?: string;
}

/** GET / (the issuer's own address): a page in the sign-in pages' design. */
export function registerHome(app: FastifyInstance, deps: HomeDeps): void {
  app.get(deps.basePath === '' ? '/' : deps.basePath, PAGE_ROUTE, async (_request, reply) => {
    const extra = deps.development && deps.extra ? await deps.extra() : null;
    return sendPage(reply, {
      body: homePage(deps.theme, {
        issuer: deps.issuer,
        discoveryUrl: deps.issuer + ENDPOINT_PATHS.openidConfiguration,
        jwksUrl: deps.issuer + ENDPOINT_PATHS.jwks,
        development: deps.development,
        extra,
        ...(deps.consolePath === undefined ? {} : { consoleUrl: deps.issuer + deps.consolePath }),
      }),
      csp: pageCsp({ imageSources: deps.theme.imageSources }),
    });
  });
}
