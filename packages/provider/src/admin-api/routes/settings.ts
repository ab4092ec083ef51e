import {
  changeSettings,
  checkSettingName,
  readSettings,
  resetSettings,
  type SettingsView,
} from '../../admin/index.js';
import { isRestartOnlyKey } from '../../settings/table.js';
import { type AdminApiContext, optionsFor } from '../context.js';
import { checkIfMatch, entityTag } from '../etag.js';
import * as S from '../schemas.js';
import { errorResponses, type TypedApp } from './responses.js';

const tags = ['settings'];
/** Every change of settings takes this one lock: the If-Match check and the write happen together. */
const LOCK = 'settings';

/** The runtime settings (issue 15): GET, PATCH (merge patch), DELETE of one override. */
export function settingRoutes(app: TypedApp, context: AdminApiContext): void {
  const deps = {
    settings: context.stores.settings,
    audit: context.stores.audit,
    configured: context.settings.configured,
    live: context.settings,
  };
  const current = async () => presentSettings(await readSettings(deps));
  // The ETag is the representation's hash, as for every editable resource (etag.ts).
  const send = <R extends { header(name: string, value: string): R; send(payload: unknown): R }>(
    reply: R,
    shown: ReturnType<typeof presentSettings>,
  ) => reply.header('etag', entityTag(shown)).send(shown);

  app.get(
    '/settings',
    {
      schema: {
        tags,
        summary: 'The settings that can be changed at run time: effective value, configured value, source',
        response: { 200: S.Settings, ...errorResponses },
      },
    },
    async (_request, reply) => send(reply, await current()),
  );

  app.patch(
    '/settings',
    {
      schema: {
        tags,
        summary: 'Change runtime settings (If-Match required); every instance applies them within seconds',
        body: S.ChangeSettings,
        response: { 200: S.Settings, ...errorResponses },
      },
      // Before the schema: a configuration key read only at start gets its own message (it needs a
      // restart), not the schema's "is not a known field" that any other unknown member gets.
      preValidation: async (request) => {
        const body = request.body;
        if (body !== null && typeof body === 'object' && !Array.isArray(body))
          for (const name of Object.keys(body)) if (isRestartOnlyKey(name)) checkSettingName(name);
      },
    },
    async (request, reply) =>
      context.lock(LOCK, async () => {
        const before = await current();
        checkIfMatch(request, entityTag(before));
        const view = await changeSettings(deps, request.body, {
          ...optionsFor(context, request),
          expectedRevision: before.revision,
        });
        return send(reply, presentSettings(view));
      }),
  );

  app.delete(
    '/settings/:name',
    {
      schema: {
        tags,
        summary: 'Remove an override: the setting goes back to its configured value (If-Match required)',
        params: S.SettingParams,
        response: { 200: S.Settings, ...errorResponses },
      },
    },
    async (request, reply) =>
      context.lock(LOCK, async () => {
        checkSettingName(request.params.name);
        const before = await current();
        checkIfMatch(request, entityTag(before));
        const view = await resetSettings(deps, [request.params.name], {
          ...optionsFor(context, request),
          expectedRevision: before.revision,
        });
        return send(reply, presentSettings(view));
      }),
  );
}

export function presentSettings(view: SettingsView) {
  return {
    revision: view.revision,
    settings: view.settings.map((s) => ({
      name: s.name,
      kind: s.kind,
      description: s.description,
      // An optional setting left unset is null (JSON has no undefined).
      value: (s.value ?? null) as number | boolean | string | null,
      configured: (s.configured ?? null) as number | boolean | string | null,
      source: s.source,
      changedAt: s.override?.updatedAt ?? null,
      changedBy: s.override === undefined ? null : { type: s.override.actor.type, id: s.override.actor.id },
    })),
    ignored: view.ignored.map((i) => ({ name: i.name, problem: i.problem })),
  };
}
