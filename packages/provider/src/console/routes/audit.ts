import type { FastifyInstance } from 'fastify';
import { listAuditEvents } from '../../admin/audit/events.js';
import { invalidInput } from '../../admin/errors.js';
import { requireUser } from '../../admin/users/read.js';
import { consoleGet } from '../action.js';
import type { ConsoleContext } from '../context.js';
import { type AuditFilterValues, auditContent } from '../pages/audit.js';

const PAGE = 200;
const DAY = 86400;

/** The audit log, filtered by type (or type prefix), user, client and time. */
export function registerAuditPage(app: FastifyInstance, ctx: ConsoleContext): void {
  consoleGet(app, ctx, ctx.paths.audit, async (_request, reply, admin, query) => {
    const value = (name: string) => (query.get(name) ?? '').trim().slice(0, 255);
    const values: AuditFilterValues = {
      type: value('type'),
      user: value('user'),
      client: value('client'),
      since: value('since'),
      until: value('until'),
    };
    // A username is looked up; anything that names no user is taken as a `sub` (erased users keep theirs).
    const userId =
      values.user === ''
        ? undefined
        : await requireUser(ctx.stores, values.user).then(
            (u) => u.id,
            () => values.user,
          );
    const { items: events } = await listAuditEvents(ctx.stores, {
      ...(values.type === ''
        ? {}
        : values.type.endsWith('.')
          ? { typePrefix: values.type }
          : { type: values.type }),
      userId,
      clientId: values.client === '' ? undefined : values.client,
      since: day(values.since, 'since'),
      until: values.until === '' ? undefined : (day(values.until, 'until') ?? 0) + DAY,
      limit: PAGE,
    });
    return ctx.page(reply, admin, {
      title: 'Audit',
      section: 'audit',
      content: auditContent(ctx.paths, values, events, PAGE),
      // Follow live (assets/follow-audit.ts): the one page with a script, its own file, never inline.
      ownScripts: true,
    });
  });
}

/** A `YYYY-MM-DD` day as the epoch second it starts (UTC). */
function day(value: string, field: string): number | undefined {
  if (value === '') return undefined;
  const at = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(at)) throw invalidInput(field, `${JSON.stringify(value)} is not a day (YYYY-MM-DD)`);
  return at / 1000;
}
