import { isJwsAlgorithm, type JwsAlgorithm } from '@latchkey/oidc';
import { invalidInput } from '../../admin/errors.js';
import { listAuditEvents, listSigningKeys, rotateSigningKeys } from '../../admin/index.js';
import { type AdminApiContext, optionsFor } from '../context.js';
import * as S from '../schemas.js';
import { errorResponses, type TypedApp } from './responses.js';

export function keyAndAuditRoutes(app: TypedApp, context: AdminApiContext): void {
  app.get(
    '/keys',
    {
      schema: {
        tags: ['keys'],
        summary: 'Signing keys with their states and next events',
        response: { 200: S.Page(S.SigningKey), ...errorResponses },
      },
    },
    async () => ({ items: await listSigningKeys(context.keys), nextCursor: null }),
  );

  app.post(
    '/keys/rotate',
    {
      schema: {
        tags: ['keys'],
        summary: 'Rotate now, under the pre-publication guard (409 names when it may run)',
        body: S.RotateKeys,
        response: {
          200: {
            type: 'object',
            properties: { changes: { type: 'array', items: { type: 'string' } } },
            required: ['changes'],
            additionalProperties: false,
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const body = request.body ?? {};
      for (const [i, alg] of (body.algorithms ?? []).entries()) {
        if (!isJwsAlgorithm(alg))
          throw invalidInput(`algorithms[${i}]`, `${JSON.stringify(alg)} is not a JWS algorithm`);
      }
      const { reasons } = await rotateSigningKeys(
        { keys: context.keys, audit: context.stores.audit },
        {
          ...(body.algorithms === undefined ? {} : { algorithms: body.algorithms as JwsAlgorithm[] }),
          ...(body.ignorePublicationDelay === undefined
            ? {}
            : { ignorePublicationDelay: body.ignorePublicationDelay }),
        },
        optionsFor(context, request),
      );
      return { changes: [...reasons] };
    },
  );

  app.get(
    '/audit-events',
    {
      schema: {
        tags: ['audit'],
        summary: 'Audit events, newest first',
        querystring: S.AuditQuery,
        response: { 200: S.Page(S.AuditEvent), ...errorResponses },
      },
    },
    async (request) => {
      const page = await listAuditEvents(context.stores, request.query);
      return {
        items: page.items.map((e) => ({
          id: e.id,
          type: e.type,
          at: e.at,
          userId: e.userId ?? null,
          clientId: e.clientId ?? null,
          ip: e.ip ?? null,
          details: { ...e.details },
        })),
        nextCursor: page.nextCursor,
      };
    },
  );
}
