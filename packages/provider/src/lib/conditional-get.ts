import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SerializedDocument } from '../keys/published-key-set.js';
import { documentFastPathOf } from './document-fast-path.js';

/** How a document route answers: its media type and cache lifetime, fixed when the route is made. */
export interface DocumentHeaders {
  /** With its charset: the bytes are sent as they are, so nothing adds one later. */
  readonly contentType: string;
  readonly cacheControl: string;
}

/**
 * GET `path` answers `document()` (read at each request): through Fastify's route, and, when the app's
 * server has a fast path (lib/document-fast-path.ts), plain GETs through that with the same headers.
 */
export function serveDocument(
  app: FastifyInstance,
  path: string,
  document: () => SerializedDocument,
  headers: DocumentHeaders,
): void {
  app.get(path, (request, reply) => sendDocument(request, reply, document(), headers));
  documentFastPathOf(app.server)?.add(path, document, headers);
}

/**
 * Sends a pre-serialized document with its ETag, or 304 when the client already has it.
 * RFC 9110 §13.1.2: If-None-Match uses the weak comparison, and may list several tags or be `*`.
 * The body goes out as the document's bytes, encoded once when it was serialized.
 */
export function sendDocument(
  request: FastifyRequest,
  reply: FastifyReply,
  document: SerializedDocument,
  headers: DocumentHeaders,
): FastifyReply {
  reply.header('etag', document.etag).header('cache-control', headers.cacheControl);
  if (matchesEtag(request.headers['if-none-match'], document.etag)) return reply.code(304).send();
  return reply.type(headers.contentType).send(document.bytes);
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}
