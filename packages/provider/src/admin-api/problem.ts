import type { FastifyReply } from 'fastify';

/**
 * Every error of the admin API is an RFC 9457 problem document (`application/problem+json`): one shape
 * for validation, authorization, preconditions and the service layer's errors. `code` (the admin
 * layer's stable code, or ERR_UNAUTHORIZED …) and `field` (the input at fault) are extension members
 * (§3.2) a client can branch on; `detail` is for people and never holds a token, secret or password.
 */
export interface Problem {
  readonly status: number;
  readonly title: string;
  readonly detail: string;
  readonly code: string;
  readonly field?: string;
  /** Every schema violation, when the request failed validation. */
  readonly errors?: readonly { readonly field: string; readonly message: string }[];
}

export const PROBLEM_TYPE = 'application/problem+json';

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  // RFC 9457 §4.2: "about:blank" — the HTTP status says what kind of problem it is.
  return reply
    .code(problem.status)
    .type(PROBLEM_TYPE)
    .header('cache-control', 'no-store')
    .send(JSON.stringify({ type: 'about:blank', ...problem }));
}

/** An error a route or a hook throws to answer a problem. */
export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly problem: Problem,
    /** Extra response headers (WWW-Authenticate, Retry-After). */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(problem.detail);
  }
}
