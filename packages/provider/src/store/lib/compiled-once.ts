import type { CompiledQuery } from '@latchkey/store';

/** The rows a query returned (Kysely's QueryResult, the part read here). */
export interface QueryRows<R> {
  readonly rows: R[];
}

/** What runs a compiled query: the database or a transaction of it. */
export interface QueryRunner {
  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryRows<R>>;
}

/** A Kysely query builder that can compile; `R` is a row of its result. */
interface Compilable<R> {
  compile(): CompiledQuery<R>;
}

/** The row type of a query builder (what its `execute` resolves to a list of). */
type RowOf<B> = B extends { execute(): Promise<(infer R)[]> } ? R : never;

/** A query of the hot paths, run with the values of one call. */
export type CompiledOnceQuery<A extends readonly unknown[], R> = (
  runner: QueryRunner,
  ...values: A
) => Promise<QueryRows<R>>;

/**
 * A query built and compiled to SQL once, then run with each call's values (issue 21: "statements
 * prepared once"). Building a Kysely query and compiling it costs 5–60 µs a call — as much as SQLite
 * takes to run the point query itself — and the SQL is the same every time; only the values change.
 *
 * `build` receives one stand-in per value and must pass each one to Kysely as it is (a `where`
 * operand, a column of `values`, a `set`), untransformed: the positions where the stand-ins land in
 * the compiled parameters are where each call's values go. A value that must be converted (JSON, a
 * flag) is converted by the caller. A value that changes the SQL itself (`is null` versus `= ?`)
 * does not belong here. The first call compiles; a stand-in that does not reach the parameters is a
 * programming error, thrown then.
 */
export function compiledOnce<A extends readonly unknown[], B extends Compilable<unknown>>(
  arity: A['length'],
  build: (...values: A) => B,
): CompiledOnceQuery<A, RowOf<B>> {
  type R = RowOf<B>;
  let template: { compiled: CompiledQuery<R>; slots: readonly (number | undefined)[] } | undefined;
  return async (runner, ...values) => {
    template ??= compileTemplate(arity, build as (...values: A) => Compilable<R>);
    const { compiled, slots } = template;
    const parameters = compiled.parameters.map((fixed: unknown, i: number) => {
      const slot = slots[i];
      return slot === undefined ? fixed : values[slot];
    });
    return runner.executeQuery<R>({ ...compiled, parameters });
  };
}

function compileTemplate<A extends readonly unknown[], R>(
  arity: number,
  build: (...values: A) => Compilable<R>,
): { compiled: CompiledQuery<R>; slots: readonly (number | undefined)[] } {
  // Strings no caller sends (NUL is refused in every identifier and token this provider reads).
  const standIns = Array.from({ length: arity }, (_, i) => `\u0000compiled-once-value-${i}\u0000`);
  const compiled = build(...(standIns as unknown as A)).compile();
  const slots = compiled.parameters.map((parameter: unknown) => {
    const slot = typeof parameter === 'string' ? standIns.indexOf(parameter) : -1;
    return slot === -1 ? undefined : slot;
  });
  for (let i = 0; i < arity; i++) {
    if (!slots.includes(i))
      throw new TypeError(`compiledOnce: value ${i} is not a parameter of ${compiled.sql}`);
  }
  return { compiled, slots };
}
