import type { FastifyInstance, FastifyReply } from 'fastify';
import { AdminError } from '../../admin/errors.js';
import { listSigningKeys, rotateSigningKeys } from '../../admin/keys/keys.js';
import { consoleAction, consoleGet, noticeOf } from '../action.js';
import type { ConsoleContext, SignedInAdmin } from '../context.js';
import { KEY_NOTICES, keysContent } from '../pages/keys.js';

/** Signing keys: states, the published JWKS, and a forced rotation under the pre-publication guard. */
export function registerKeyPages(app: FastifyInstance, ctx: ConsoleContext): void {
  const { paths } = ctx;
  const show = async (
    reply: FastifyReply,
    admin: SignedInAdmin,
    extra: { notice?: string | undefined; error?: string; status?: number } = {},
  ) =>
    ctx.page(reply, admin, {
      title: 'Signing keys',
      section: 'keys',
      notice: extra.notice,
      error: extra.error,
      ...(extra.status === undefined ? {} : { status: extra.status }),
      content: keysContent({
        paths,
        csrfToken: admin.session.csrf,
        keys: ctx.keys === undefined ? undefined : await listSigningKeys(ctx.keys),
        jwks: JSON.stringify(JSON.parse(ctx.jwks().body), null, 2),
        jwksMaxAge: ctx.jwksMaxAge,
      }),
    });

  consoleGet(app, ctx, paths.keys, (_request, reply, admin, query) =>
    show(reply, admin, { notice: noticeOf(query, KEY_NOTICES) }),
  );

  consoleAction(
    app,
    ctx,
    paths.rotateKeys,
    { fields: ['ignore_publication_delay'], reauthenticate: () => paths.keys },
    async (_request, reply, admin, input) => {
      if (ctx.keys === undefined) return ctx.refuse(reply, 503, 'This instance cannot rotate keys.');
      try {
        await rotateSigningKeys(
          { keys: ctx.keys, audit: ctx.stores.audit },
          { ignorePublicationDelay: input.get('ignore_publication_delay') === 'on' },
          ctx.options(admin),
        );
      } catch (error) {
        // The pre-publication guard, or another instance changing the key set at the same moment.
        if (!(error instanceof AdminError && error.code === 'ERR_CONFLICT')) throw error;
        return show(reply, admin, { error: `Rotation refused: ${error.problem}`, status: 409 });
      }
      return ctx.back(reply, paths.keys, 'rotated');
    },
  );
}
