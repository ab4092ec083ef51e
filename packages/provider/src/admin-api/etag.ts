import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ProblemError } from './problem.js';

/**
 * A strong entity tag of a representation (RFC 9110 §8.8.3): a hash of its JSON, so it changes when
 * anything a client sees changes, and two instances compute the same tag for the same record.
 */
export function entityTag(representation: unknown): string {
  return `"${createHash('sha256').update(JSON.stringify(representation)).digest('base64url').slice(0, 27)}"`;
}

/**
 * Checklist N3 (RFC 9110 §13.1.1): a change to an editable resource must say which version it was
 * made against. No If-Match → 428 Precondition Required (RFC 6585 §3); a tag that is not the current
 * one (another admin changed it meanwhile) → 412 Precondition Failed, and nothing is written.
 */
export function checkIfMatch(request: FastifyRequest, current: string): void {
  const header = request.headers['if-match'];
  if (header === undefined || header === '') {
    throw new ProblemError({
      status: 428,
      title: 'Precondition Required',
      detail: 'Send If-Match with the ETag of the resource as you last read it',
      code: 'ERR_PRECONDITION_REQUIRED',
    });
  }
  // RFC 9110 §13.1.1: a list of tags, or `*`; strong comparison (a weak tag never matches).
  const tags = header.split(',').map((tag) => tag.trim());
  if (tags.includes('*') || tags.some((tag) => sameTag(tag, current))) return;
  throw new ProblemError({
    status: 412,
    title: 'Precondition Failed',
    detail: 'The resource changed since you read it: read it again and reapply your change',
    code: 'ERR_PRECONDITION_FAILED',
  });
}

function sameTag(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
