import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

/**
 * The admin API's validator compiler: TypeBox compiles each route schema to a checker (no ajv, which
 * the provider keeps out of memory: see the schemaController in app.ts). Query strings and path
 * parameters are text, converted to the schema's types first (`limit=20` → 20); bodies are checked as
 * sent, so `"20"` for a number is an error; no body at all (Fastify passes null) is checked as `{}`,
 * so `POST /keys/rotate` needs none, and a route with required members names them. Errors are the
 * ajv-like list Fastify formats.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  return (value: unknown) => {
    const converted = httpPart === 'body' ? (value ?? {}) : Value.Convert(schema, value);
    if (check.Check(converted)) return { value: converted };
    return { error: [...check.Errors(converted)] as never };
  };
};
