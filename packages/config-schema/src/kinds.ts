/**
 * The kinds of configuration values, as TypeBox schemas of the value the provider uses (a duration is
 * whole seconds, a list an array). TypeBox checks every constraint a schema can say. Three annotations
 * say the rest:
 * - `problem`: what is expected, in the words of the error message (`is not a port number`);
 * - `~read`: how text becomes that value (`'15m'` → 900, `'a,b'` → a list, `'true'` → true), since the
 *   environment holds only strings; it never refuses anything, the schema does;
 * - `~parse`: for the few values whose own module checks them (connectors, trust rules), the parser.
 * Setting annotations (`env`, `default`, `sensitive`) are passed through `options`: see schema.ts.
 */
import { isIP } from 'node:net';
import * as Type from 'typebox/type';
import { parseDuration } from './duration.js';

type Options = Type.TSchemaOptions;

/** Text to a whole number; anything else is left for the schema to refuse. */
const wholeNumber = (raw: unknown): unknown =>
  typeof raw === 'string' && /^\d{1,16}$/.test(raw) ? Number(raw) : raw;

/** `3600`, `'1h'`, `'30d'` → seconds; anything else is left for the schema to refuse. */
const seconds = (raw: unknown): unknown => parseDuration(raw) ?? raw;

/** JSON text to a structure (a list or an object in the environment). */
const structured = (raw: unknown): unknown => {
  if (typeof raw !== 'string') return raw;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return raw;
  }
};

export function integer(minimum: number, maximum: number, problem: string, options: Options = {}) {
  return Type.Integer({ minimum, maximum, problem, '~read': wholeNumber, ...options });
}

/** A duration in whole seconds, written `3600` or `'1h'`; `options.default` may be written either way too. */
export function duration(minimum: number, maximum: number, problem: string, options: Options = {}) {
  const fallback = options.default === undefined ? {} : { default: parseDuration(options.default) };
  return Type.Integer({ minimum, maximum, problem, '~read': seconds, ...options, ...fallback });
}

/** Any positive duration (the everyday case): up to ~31 years, the most `parseDuration` gives in `w`. */
export const anyDuration = (options: Options = {}) =>
  duration(
    1,
    Number.MAX_SAFE_INTEGER,
    "is not a duration (seconds, or like '30d', '1h', '5m', '30s')",
    options,
  );

export function boolean(options: Options = {}) {
  const read = (raw: unknown) => (raw === 'true' ? true : raw === 'false' ? false : raw);
  return Type.Boolean({ problem: 'must be true or false', '~read': read, ...options });
}

export function oneOf<const Values extends string[]>(values: readonly [...Values], options: Options = {}) {
  return Type.Enum(values, { problem: `must be one of ${values.join(', ')}`, ...options });
}

/** A list: an array in a file, text split at `separator` in the environment. */
export function list<Item extends Type.TSchema>(
  items: Item,
  problem: string,
  options: Options & { readonly separator?: RegExp } = {},
) {
  const { separator = /,/, ...rest } = options;
  const read = (raw: unknown) =>
    typeof raw === 'string'
      ? raw
          .split(separator)
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : raw;
  return Type.Array(items, { problem, '~read': read, ...rest });
}

/** A structured value: as it is in a file, JSON in the environment. */
export function json<Shape extends Type.TSchema>(shape: Shape, options: Options = {}): Shape {
  (shape as Record<string, unknown>)['~read'] = structured;
  Object.assign(shape, options);
  return shape;
}

/** A value whose own module's parser checks it (a structure with rules a schema does not hold). */
export function parsedBy<Value>(
  parse: (raw: unknown) => { ok: true; value: Value } | { ok: false; problem: string },
  shape: Type.TSchema,
  options: Options = {},
) {
  return Type.Unsafe<Value>({ ...shape, '~parse': parse, ...options });
}

/** The check a schema cannot say (a URL's form, an address range), with its problem text. */
export function refined<Schema extends Type.TSchema>(
  schema: Schema,
  check: (value: Type.Static<Schema>) => string | undefined,
) {
  return Type.Refine(
    schema,
    (value) => check(value as Type.Static<Schema>) === undefined,
    (value) => check(value as Type.Static<Schema>) ?? '',
  );
}

/** An IP address or a CIDR range (`10.0.0.0/8`, `::1`); undefined when it is one. */
export function addressRangeProblem(item: string): string | undefined {
  const [address, prefix, ...rest] = item.split('/');
  const family = isIP(address ?? '');
  const maxPrefix = family === 4 ? 32 : 128;
  const prefixOk = prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= maxPrefix);
  return family === 0 || rest.length > 0 || !prefixOk ? 'is not an IP address or CIDR range' : undefined;
}

/** Addresses or CIDR ranges (of trusted proxies, say): a list in a file, comma-separated in the environment. */
export const addressRanges = (options: Options = {}) =>
  list(refined(Type.String(), addressRangeProblem), 'must be a list of IP addresses or CIDR ranges', options);
