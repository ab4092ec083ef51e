import type { FastifyInstance } from 'fastify';
import { RequestParams } from './request-params.js';

/**
 * Parses `application/x-www-form-urlencoded` bodies (token endpoint, POST authorization requests, the
 * login and consent forms) into RequestParams. The body limit is the app's (DESIGN rule 9); the raw body
 * is never logged.
 */
export function registerFormParser(app: FastifyInstance): void {
  app.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'string' },
    (request, body, done) => {
      const params = RequestParams.fromForm(body as string);
      request.form = params;
      done(null, params);
    },
  );
}
