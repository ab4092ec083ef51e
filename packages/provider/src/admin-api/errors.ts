import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AdminError } from '../admin/index.js';
import { type Problem, ProblemError, sendProblem } from './problem.js';

const ADMIN_STATUS = { ERR_INVALID_INPUT: 400, ERR_NOT_FOUND: 404, ERR_CONFLICT: 409 } as const;
const TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  404: 'Not Found',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
};

interface SchemaViolation {
  readonly instancePath?: string;
  readonly message?: string;
  readonly params?: { readonly additionalProperties?: readonly string[] | string };
  readonly keyword?: string;
}

/**
 * Every error of the admin API as an RFC 9457 problem. What the client did wrong is a 4xx naming the
 * field; anything else goes to the provider's one error path (`fallback`: a database outage is a 503
 * there, anything unexpected a logged 500), never a stack trace.
 */
export function answerAdminError(
  error: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
  fallback: (request: FastifyRequest, reply: FastifyReply, error: unknown) => unknown,
): unknown {
  if (error instanceof ProblemError) {
    for (const [name, value] of Object.entries(error.headers)) reply.header(name, value);
    return sendProblem(reply, error.problem);
  }
  if (error instanceof AdminError) {
    const status = ADMIN_STATUS[error.code];
    return sendProblem(reply, {
      status,
      title: TITLES[status] ?? 'Bad Request',
      detail: error.message,
      code: error.code,
      ...(error.field === undefined ? {} : { field: error.field }),
    });
  }
  const fastifyError = error as Partial<FastifyError> & { validation?: SchemaViolation[] };
  if (Array.isArray(fastifyError.validation)) {
    return sendProblem(
      reply,
      validationProblem(fastifyError.validation, fastifyError.validationContext ?? 'body'),
    );
  }
  const status = fastifyError.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    // Fastify's own refusals of a request (malformed JSON, a body too large, another media type).
    return sendProblem(reply, {
      status,
      title: TITLES[status] ?? 'Bad Request',
      detail: status === 400 ? 'The request body is not valid JSON' : (fastifyError.message ?? 'Bad request'),
      code: 'ERR_INVALID_INPUT',
    });
  }
  return fallback(request, reply, error);
}

/** Each violation named by its field (`body.redirectUris[0]`), an unknown member by its own name. */
function validationProblem(violations: readonly SchemaViolation[], part: string): Problem {
  const errors = violations.flatMap((violation) => {
    const path = fieldPath(part, violation.instancePath ?? '');
    const unknown = violation.params?.additionalProperties;
    if (violation.keyword === 'additionalProperties' && unknown !== undefined) {
      return [unknown].flat().map((name) => ({ field: `${path}.${name}`, message: 'is not a known field' }));
    }
    // additionalProperties: false is also reported as the member's own "schema is false": said above.
    if (violation.keyword === 'boolean') return [];
    return [{ field: path, message: violation.message ?? 'is not valid' }];
  });
  const first = errors[0] ?? { field: part, message: 'is not valid' };
  return {
    status: 400,
    title: 'Bad Request',
    detail: errors.map((e) => `${e.field} ${e.message}`).join('; '),
    code: 'ERR_INVALID_INPUT',
    field: first.field,
    errors,
  };
}

function fieldPath(part: string, pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((path, segment) => (/^\d+$/.test(segment) ? `${path}[${segment}]` : `${path}.${segment}`), part);
}
