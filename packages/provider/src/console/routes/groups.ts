import type { FastifyInstance, FastifyReply } from 'fastify';
import { AdminError, invalidInput } from '../../admin/errors.js';
import { ADMIN_GROUP, createGroup, deleteGroup, listGroupsWithMembers } from '../../admin/groups/groups.js';
import { consoleAction, consoleGet, noticeOf, param } from '../action.js';
import { type ConsoleContext, type SignedInAdmin, statusOf } from '../context.js';
import { GROUP_NOTICES, groupsContent } from '../pages/groups.js';

/** Groups: list with members, create, delete (the administrators' group cannot be deleted here). */
export function registerGroupPages(app: FastifyInstance, ctx: ConsoleContext): void {
  const { paths, stores } = ctx;
  const load = () => listGroupsWithMembers(stores);
  const show = async (
    reply: FastifyReply,
    admin: SignedInAdmin,
    extra: { notice?: string | undefined; error?: string; name?: string; status?: number } = {},
  ) =>
    ctx.page(reply, admin, {
      title: 'Groups',
      section: 'groups',
      notice: extra.notice,
      error: extra.error,
      ...(extra.status === undefined ? {} : { status: extra.status }),
      content: groupsContent(paths, admin.session.csrf, await load(), { name: extra.name ?? '' }),
    });

  consoleGet(app, ctx, paths.groups, (_request, reply, admin, query) =>
    show(reply, admin, { notice: noticeOf(query, GROUP_NOTICES) }),
  );

  consoleAction(app, ctx, paths.groups, { fields: ['name'] }, async (_request, reply, admin, input) => {
    const name = (input.get('name') ?? '').trim();
    try {
      await createGroup(stores, name, ctx.options(admin));
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      return show(reply, admin, { error: error.message, name, status: statusOf(error) });
    }
    return ctx.back(reply, paths.groups, 'group-created');
  });

  consoleAction(app, ctx, `${paths.groups}/:name/delete`, { fields: [] }, async (request, reply, admin) => {
    const name = param(request, 'name');
    // Deleting it would lock every administrator out of the console at once.
    if (name === ADMIN_GROUP)
      throw invalidInput('group', `${ADMIN_GROUP} cannot be deleted from the console`);
    await deleteGroup(stores, name, ctx.options(admin));
    return ctx.back(reply, paths.groups, 'group-deleted');
  });
}
