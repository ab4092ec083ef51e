import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SerializedDocument } from '../keys/published-key-set.js';

/**
 * Sends a pre-serialized document with its ETag, or 304 when the client already has it.
 * RFC 9110 §13.1.2: If-None-Match uses the weak comparison, and may list several tags or be `*`.
 */
export function sendDocument(
  request: FastifyRequest,
  reply: FastifyReply,
  document: SerializedDocument,
  headers: { readonly contentType: string; readonly cacheControl: string },
): FastifyReply {
  reply.header('etag', document.etag).header('cache-control', headers.cacheControl);
  if (matchesEtag(request.headers['if-none-match'], document.etag)) return reply.code(304).send();
  return reply.type(headers.contentType).send(document.body);
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  if (header.trim() === '*') return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((tag) => opaque(tag) === opaque(etag));
}
