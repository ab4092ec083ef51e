import {
  endAllUserSessions,
  endUserSession,
  listUserConsents,
  listUserSessions,
  revokeUserConsent,
} from '../../admin/index.js';
import { type AdminApiContext, optionsFor } from '../context.js';
import { presentSession } from '../present.js';
import * as S from '../schemas.js';
import { errorResponses, type TypedApp } from './responses.js';

/**
 * A user's sessions and consents. Ending a session or revoking a consent is not an edit of a
 * representation two admins could overwrite, so these DELETEs take no If-Match (docs/ARCHITECTURE.md).
 */
export function sessionRoutes(app: TypedApp, context: AdminApiContext): void {
  const { stores } = context;
  const deps = { ...stores, logout: context.logout };

  app.get(
    '/users/:username/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'A user’s live sessions',
        params: S.UserParams,
        response: { 200: S.Page(S.Session), ...errorResponses },
      },
    },
    async (request) => ({
      items: (await listUserSessions(stores, request.params.username, context.options)).map(presentSession),
      nextCursor: null,
    }),
  );

  app.delete(
    '/users/:username/sessions',
    {
      schema: {
        tags: ['sessions'],
        summary: 'End every session of a user (each a logout)',
        params: S.UserParams,
        response: {
          200: {
            type: 'object',
            properties: { ended: { type: 'integer' } },
            required: ['ended'],
            additionalProperties: false,
          },
          ...errorResponses,
        },
      },
    },
    async (request) => endAllUserSessions(deps, request.params.username, optionsFor(context, request)),
  );

  app.delete(
    '/users/:username/sessions/:sid',
    {
      schema: {
        tags: ['sessions'],
        summary: 'End one session (a logout: its grants are revoked)',
        params: S.SessionParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await endUserSession(deps, request.params.username, request.params.sid, optionsFor(context, request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/users/:username/consents',
    {
      schema: {
        tags: ['consents'],
        summary: 'What a user has consented each client may have',
        params: S.UserParams,
        response: { 200: S.Page(S.Consent), ...errorResponses },
      },
    },
    async (request) => ({
      items: (await listUserConsents(stores, request.params.username)).map(({ userId: _, ...consent }) => ({
        ...consent,
        scopes: [...consent.scopes],
        claims: [...consent.claims],
      })),
      nextCursor: null,
    }),
  );

  app.delete(
    '/users/:username/consents/:clientId',
    {
      schema: {
        tags: ['consents'],
        summary: 'Disconnect a client: consent and grants revoked',
        params: S.ConsentParams,
        response: { 204: { type: 'null' }, ...errorResponses },
      },
    },
    async (request, reply) => {
      await revokeUserConsent(
        stores,
        request.params.username,
        request.params.clientId,
        optionsFor(context, request),
      );
      return reply.code(204).send(null);
    },
  );
}
