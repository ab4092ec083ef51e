import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';
import { Problem } from '../schemas.js';

/** The admin API's Fastify scope, typed by its TypeBox schemas (request types come from the schemas). */
export type TypedApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The shared Problem schema's id: one component in the OpenAPI document, referenced by every route. */
export const PROBLEM_SCHEMA_ID = 'Problem';

export const problemSchema = { $id: PROBLEM_SCHEMA_ID, ...Problem };

// RFC 9457 §3: the problem's own media type, so the document says what the wire carries.
const problemRef = {
  description: 'RFC 9457 problem details',
  content: { 'application/problem+json': { schema: { $ref: `${PROBLEM_SCHEMA_ID}#` } } },
} as const;

/** The problem answers every route may give (documented in every route's OpenAPI responses). */
export const errorResponses = {
  400: problemRef,
  401: problemRef,
  403: problemRef,
  404: problemRef,
  409: problemRef,
  412: problemRef,
  428: problemRef,
  429: problemRef,
} as const;
