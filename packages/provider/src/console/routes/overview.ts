import type { FastifyInstance } from 'fastify';
import { countSignIns } from '../../admin/audit/count.js';
import { listAuditEvents } from '../../admin/audit/events.js';
import { countClients } from '../../admin/clients/read.js';
import { listGroups } from '../../admin/groups/groups.js';
import { listSigningKeys } from '../../admin/keys/keys.js';
import { countUsers } from '../../admin/users/read.js';
import { consoleGet } from '../action.js';
import type { ConsoleContext } from '../context.js';
import { overviewContent } from '../pages/overview.js';

const DAY = 86400;
const RECENT_EVENTS = 10;
/**
 * The overview's counts and day figures are read at most this often (seconds) per instance: counting
 * every user on PostgreSQL reads the table (no index-only count without a vacuumed visibility map), a
 * few milliseconds at 10,000 users and more beyond (issue 15: p50 ≤ 5 ms). The keys and the recent
 * events are read on every view.
 */
export const OVERVIEW_FIGURES_TTL = 10;

type Figures = Awaited<ReturnType<typeof readFigures>>;

async function readFigures(stores: ConsoleContext['stores'], now: number) {
  const [users, clients, groups, signIns] = await Promise.all([
    // Counted by the database from indexes, never by loading every user and client.
    countUsers(stores),
    countClients(stores),
    listGroups(stores),
    countSignIns(stores, now - DAY),
  ]);
  return {
    counts: { users: users.users, disabledUsers: users.disabled, clients, groups: groups.length },
    signIns,
  };
}

/** The overview: counts, the last day's sign-ins and failures, the keys, and the latest audit events. */
export function registerOverview(app: FastifyInstance, ctx: ConsoleContext): void {
  // One read in flight at a time; a failed read is not kept.
  let figures: { readonly at: number; readonly read: Promise<Figures> } | undefined;
  const currentFigures = (now: number) => {
    if (figures === undefined || now - figures.at >= OVERVIEW_FIGURES_TTL || now < figures.at) {
      const read = readFigures(ctx.stores, now);
      const entry = { at: now, read };
      figures = entry;
      read.catch(() => {
        if (figures === entry) figures = undefined;
      });
    }
    return figures.read;
  };
  consoleGet(app, ctx, ctx.paths.overview, async (_request, reply, admin) => {
    const now = ctx.signIn.clock();
    const [{ counts, signIns }, keys, events] = await Promise.all([
      currentFigures(now),
      ctx.keys === undefined ? Promise.resolve(undefined) : listSigningKeys(ctx.keys),
      listAuditEvents(ctx.stores, { limit: RECENT_EVENTS }).then((page) => page.items),
    ]);
    return ctx.page(reply, admin, {
      title: 'Overview',
      section: 'overview',
      content: overviewContent({ paths: ctx.paths, counts, signIns, keys, events }),
    });
  });
}
