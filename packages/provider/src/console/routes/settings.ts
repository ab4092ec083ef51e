import type { FastifyInstance, FastifyReply } from 'fastify';
import { AdminError } from '../../admin/errors.js';
import { changeSettings, readSettings, resetSettings } from '../../admin/settings/settings.js';
import { formatSettingValue } from '../../settings/format.js';
import { RUNTIME_SETTINGS } from '../../settings/table.js';
import { consoleAction, consoleGet, noticeOf } from '../action.js';
import { type ConsoleContext, type SignedInAdmin, statusOf } from '../context.js';
import { SETTINGS_NOTICES, settingsContent } from '../pages/settings.js';

/**
 * Runtime settings (issue 15): view and change them, or remove an override. They govern every user's
 * sign-in (password rules, registration, token lifetimes), so a change needs a recent authentication,
 * as rotating keys does (N2).
 */
export function registerSettingsPage(app: FastifyInstance, ctx: ConsoleContext): void {
  const { paths } = ctx;
  const deps = {
    settings: ctx.stores.settings,
    audit: ctx.stores.audit,
    configured: ctx.settings.configured,
    live: ctx.settings.live,
  };
  const show = async (
    reply: FastifyReply,
    admin: SignedInAdmin,
    extra: {
      notice?: string | undefined;
      error?: string;
      entered?: Map<string, string>;
      status?: number;
    } = {},
  ) =>
    ctx.page(reply, admin, {
      title: 'Settings',
      section: 'settings',
      notice: extra.notice,
      error: extra.error,
      ...(extra.status === undefined ? {} : { status: extra.status }),
      content: settingsContent(paths, admin.session.csrf, await readSettings(deps), extra.entered),
    });
  const revisionOf = (value: string | undefined) => (/^\d{1,15}$/.test(value ?? '') ? Number(value) : -1);

  consoleGet(app, ctx, paths.settings, (_request, reply, admin, query) =>
    show(reply, admin, { notice: noticeOf(query, SETTINGS_NOTICES) }),
  );

  consoleAction(
    app,
    ctx,
    paths.settings,
    { fields: ['revision', ...RUNTIME_SETTINGS.map((s) => s.name)], reauthenticate: () => paths.settings },
    async (_request, reply, admin, input) => {
      const current = await readSettings(deps);
      // Only what the admin changed on the page: a field left as shown keeps its source (config stays config).
      const entered = new Map<string, string>();
      const changes: Record<string, string> = {};
      for (const s of current.settings) {
        const value = (input.get(s.name) ?? '').trim();
        entered.set(s.name, value);
        if (value !== formatSettingValue(s.kind, s.value)) changes[s.name] = value;
      }
      if (Object.keys(changes).length === 0) return ctx.back(reply, paths.settings, 'settings-unchanged');
      try {
        await changeSettings(deps, changes, {
          ...ctx.options(admin),
          expectedRevision: revisionOf(input.get('revision')),
        });
      } catch (error) {
        if (!(error instanceof AdminError)) throw error;
        return show(reply, admin, { error: error.message, entered, status: statusOf(error) });
      }
      return ctx.back(reply, paths.settings, 'settings-saved');
    },
  );

  consoleAction(
    app,
    ctx,
    `${paths.settings}/reset`,
    { fields: ['name', 'revision'], reauthenticate: () => paths.settings },
    async (_request, reply, admin, input) => {
      try {
        await resetSettings(deps, [input.get('name') ?? ''], {
          ...ctx.options(admin),
          expectedRevision: revisionOf(input.get('revision')),
        });
      } catch (error) {
        if (!(error instanceof AdminError)) throw error;
        return show(reply, admin, { error: error.message, status: statusOf(error) });
      }
      return ctx.back(reply, paths.settings, 'setting-reset');
    },
  );
}
