import { createRequire } from 'node:module';
import type { FastifySchemaCompiler } from 'fastify';
import type { TSchema } from 'typebox';
import type { Validator } from 'typebox/compile';

type TypeBoxChecking = {
  readonly Compile: typeof import('typebox/compile').Compile;
  readonly Value: typeof import('typebox/value').Value;
};

let checking: TypeBoxChecking | undefined;
/**
 * TypeBox's compiler and value modules, on the first admin API request rather than at start (~9 MB
 * resident, and the compiled checkers of every route). Fastify calls a validator synchronously and
 * uses its converted value, so they are loaded with require (an ES module without top-level await,
 * which require loads on every supported Node): an async first validation would lose the conversion.
 */
function typeboxChecking(): TypeBoxChecking {
  if (checking === undefined) {
    const load = createRequire(import.meta.url);
    checking = {
      Compile: (load('typebox/compile') as typeof import('typebox/compile')).Compile,
      Value: (load('typebox/value') as typeof import('typebox/value')).Value,
    };
  }
  return checking;
}

/**
 * The admin API's validator compiler: TypeBox compiles each route schema to a checker (no ajv, which
 * the provider keeps out of memory: see the schemaController in app.ts), on the route's first request.
 * Query strings and path parameters are text, converted to the schema's types first (`limit=20` → 20);
 * bodies are checked as sent, so `"20"` for a number is an error; no body at all (Fastify passes null)
 * is checked as `{}`, so `POST /keys/rotate` needs none, and a route with required members names them.
 * Errors are the ajv-like list Fastify formats.
 */
export const typeboxValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  let check: Validator | undefined;
  return (value: unknown) => {
    const { Compile, Value } = typeboxChecking();
    check ??= Compile(schema);
    const converted = httpPart === 'body' ? (value ?? {}) : Value.Convert(schema, value);
    if (check.Check(converted)) return { value: converted };
    return { error: [...check.Errors(converted)] as never };
  };
};
