/**
 * The admin console (`/admin`, issue 15): server-rendered pages over the one admin service layer
 * (admin/), never the stores directly. It is a relying party of its own provider (its client
 * `latchkey-console`, code + PKCE), with a sealed console session bound to the provider session, a CSRF
 * token and an origin check on every form (N2, S4), no framing (S5), nothing cached (S7), and a fresh
 * authentication (`max_age`) before sensitive actions. Plain forms and PRG; the only script is the
 * audit page's optional "follow live" (assets/follow-audit.ts), its own file under `script-src 'self'`.
 * Imports go console → admin; only app.ts imports the console.
 */
import type { FastifyInstance } from 'fastify';
import { createSignInFlow } from '../relying-party/sign-in-flow.js';
import { registerConsoleAssets } from './assets/follow-audit.js';
import { CONSOLE_CLIENT_ID, CONSOLE_SCOPES, consoleRedirectUri } from './client.js';
import { type ConsoleDeps, createConsoleContext } from './context.js';
import { consolePaths } from './paths.js';
import { registerAuditPage } from './routes/audit.js';
import { registerClientPages } from './routes/clients.js';
import { registerConnectorPage } from './routes/connectors.js';
import { registerGroupPages } from './routes/groups.js';
import { registerKeyPages } from './routes/keys.js';
import { registerOverview } from './routes/overview.js';
import { registerSettingsPage } from './routes/settings.js';
import { registerSignIn } from './routes/sign-in.js';
import { registerUserPages } from './routes/users.js';
import { createConsoleSessions } from './session.js';

export { CONSOLE_CLIENT_ID, syncConsoleClient } from './client.js';
export type { ConsoleDeps } from './context.js';
export { CONSOLE_PATHS } from './paths.js';

export function registerConsole(app: FastifyInstance, deps: ConsoleDeps): void {
  const { signIn } = deps;
  const secure = signIn.issuer.startsWith('https:');
  const ctx = createConsoleContext(
    deps,
    consolePaths(signIn.basePath),
    createConsoleSessions({ secret: deps.secret, random: signIn.random, secure }),
  );
  const flow = createSignInFlow({
    issuer: signIn.issuer,
    clientId: CONSOLE_CLIENT_ID,
    redirectUri: consoleRedirectUri(signIn.issuer),
    scopes: CONSOLE_SCOPES,
    cookie: 'latchkey-console-pending',
    sealInfo: 'latchkey console pending authorization v1',
    secret: deps.secret,
    random: signIn.random,
    clock: signIn.clock,
    ...(deps.fetch === undefined ? {} : { fetch: deps.fetch }),
  });
  registerSignIn(app, ctx, flow);
  registerOverview(app, ctx);
  registerClientPages(app, ctx);
  registerUserPages(app, ctx);
  registerGroupPages(app, ctx);
  registerKeyPages(app, ctx);
  registerConnectorPage(app, ctx);
  registerSettingsPage(app, ctx);
  registerAuditPage(app, ctx);
  registerConsoleAssets(app, ctx.paths.followAuditScript);
}
