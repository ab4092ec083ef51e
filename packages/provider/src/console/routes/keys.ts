import type { FastifyInstance, FastifyReply } from 'fastify';
import { listSigningKeys, rotateSigningKeys } from '../../admin/keys/keys.js';
import { RotationRefusedError } from '../../keys/schedule.js';
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
        const result = await rotateSigningKeys(
          ctx.stores,
          ctx.keys,
          { ignorePublicationDelay: input.get('ignore_publication_delay') === 'on' },
          ctx.options(admin),
        );
        if (!result.applied) {
          return show(reply, admin, {
            error: 'Another instance changed the key set at the same moment. Look at the keys and try again.',
            status: 409,
          });
        }
      } catch (error) {
        if (!(error instanceof RotationRefusedError)) throw error;
        return show(reply, admin, { error: `Rotation refused: ${error.message}`, status: 409 });
      }
      return ctx.back(reply, paths.keys, 'rotated');
    },
  );
}
