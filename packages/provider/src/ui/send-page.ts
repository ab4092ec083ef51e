import type { FastifyReply } from 'fastify';
import type { SafeHtml } from './html.js';

/**
 * Sends a server-rendered page with the headers every page carries: its own CSP, never cached (S7,
 * the pages hold CSRF tokens and personal data), no Referer (S7), no framing (S5).
 */
export function sendPage(
  reply: FastifyReply,
  page: { readonly status?: number; readonly body: SafeHtml; readonly csp: string },
): FastifyReply {
  return reply
    .code(page.status ?? 200)
    .headers({
      'content-type': 'text/html; charset=utf-8',
      'content-security-policy': page.csp,
      'cache-control': 'no-store',
      pragma: 'no-cache',
      'referrer-policy': 'no-referrer',
      'x-frame-options': 'DENY',
    })
    .send(page.body.value);
}
