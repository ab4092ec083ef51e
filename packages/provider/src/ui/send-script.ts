import type { FastifyReply } from 'fastify';

/**
 * Answers one of the provider's own script files, the only scripts any page runs (`script-src 'self'`,
 * never inline): cacheable for an hour (it changes with a release; its URL carries nothing personal),
 * for this origin only, and never sniffed as anything but JavaScript.
 */
export function sendScript(reply: FastifyReply, body: string): FastifyReply {
  return reply
    .headers({
      'content-type': 'text/javascript; charset=utf-8',
      'cache-control': 'public, max-age=3600',
      'cross-origin-resource-policy': 'same-origin',
      'x-content-type-options': 'nosniff',
    })
    .send(body);
}
