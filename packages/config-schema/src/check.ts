/**
 * Checks one setting's value with TypeBox and words the first error for an operator: where (a path
 * under the setting, `[0].hosts`), the value refused (unless secret) and what is expected (the schema's
 * `problem`, or the message of the refinement that failed). See kinds.ts for the annotations.
 */
import type { TSchema } from 'typebox/type';
import { Value } from 'typebox/value';
import { closest } from './closest.js';

export type Checked =
  | { readonly ok: true; readonly value: unknown }
  /** `at`: where under the setting (`''`, `[2]`, `[0].hosts`); `problem`: the message after the key. */
  | { readonly ok: false; readonly at: string; readonly problem: string };

/** A schema node with the annotations of kinds.ts (and the settings' own, such as `sensitive`). */
export interface Annotated {
  readonly problem?: string;
  readonly sensitive?: boolean;
  readonly '~read'?: (raw: unknown) => unknown;
  readonly '~parse'?: (raw: unknown) => { ok: true; value: unknown } | { ok: false; problem: string };
  readonly properties?: Record<string, Annotated>;
  readonly items?: Annotated;
  readonly patternProperties?: Record<string, Annotated>;
}

/**
 * `shown` names a refused value: the whole value as written (`whole`), or a part of it; `node` is the
 * schema that refused it, so a secret one (`sensitive`) can be shown as nothing or a redacted form.
 */
export function checkValue(
  schema: TSchema,
  raw: unknown,
  shown: (value: unknown, whole: boolean, node: Annotated) => string,
): Checked {
  const node = schema as Annotated;
  const parse = node['~parse'];
  if (parse !== undefined) {
    const parsed = parse(node['~read'] === undefined ? raw : node['~read'](raw));
    return parsed.ok ? parsed : { ok: false, at: '', problem: parsed.problem };
  }
  // Members left out of a structured value take their schema's default (a policy's `scopes: []`).
  const value = Value.Default(schema, readAll(node, raw));
  const errors = Value.Errors(schema, value);
  // An extra key is also reported as a `false` schema; the additionalProperties error names it better.
  const error = errors.find((e) => e.keyword !== 'boolean');
  if (error === undefined) return { ok: true, value };
  const at = pathOf(error.instancePath);
  const failing = schemaAt(schema, error.schemaPath);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') {
    const name = String((params['additionalProperties'] as unknown[])[0]);
    const known = Object.keys(failing?.properties ?? {});
    const guess = closest(name, known);
    return {
      ok: false,
      at: `${at}.${name}`,
      problem: `is not a known key${guess === undefined ? '' : ` (did you mean ${guess}?)`}`,
    };
  }
  if (error.keyword === 'required') {
    const name = String((params['requiredProperties'] as unknown[] | undefined)?.[0] ?? '');
    const expected = failing?.properties?.[name]?.problem;
    return { ok: false, at: `${at}.${name}`, problem: `is required${expected ? ` (${expected})` : ''}` };
  }
  const problem = error.keyword === '~refine' ? error.message : (failing?.problem ?? error.message);
  // The whole value as the operator wrote it (`2m`, not the 120 it was read as), or the refused part.
  const whole = error.instancePath === '';
  const refused = whole ? raw : Value.Pointer.Get(value, error.instancePath);
  return { ok: false, at, problem: `${shown(refused, whole, failing ?? node)} ${problem}` };
}

/**
 * Applies every `~read` from the top down (text to numbers, lists, structures), copying what it
 * changes: the caller's object (a file, overrides) is never modified.
 */
function readAll(node: Annotated, raw: unknown): unknown {
  const value = node['~read'] === undefined ? raw : node['~read'](raw);
  if (Array.isArray(value)) {
    const items = node.items;
    return items === undefined ? [...value] : value.map((item) => readAll(items, item));
  }
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const entries = Object.values(node.patternProperties ?? {})[0];
  for (const [key, member] of Object.entries(copy)) {
    const schema = node.properties?.[key] ?? entries;
    if (schema !== undefined) copy[key] = readAll(schema, member);
  }
  return copy;
}

/** `/0/hosts` → `[0].hosts`. */
function pathOf(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((part) => (/^\d+$/.test(part) ? `[${part}]` : `.${part}`))
    .join('');
}

/** The schema a `#/properties/x/items` path names, walking up to the nearest one with a `problem`. */
function schemaAt(root: TSchema, path: string): Annotated | undefined {
  const nodes: Annotated[] = [root as Annotated];
  let node: unknown = root;
  for (const part of path.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    node = (node as Record<string, unknown> | undefined)?.[part];
    if (node !== null && typeof node === 'object' && !Array.isArray(node)) nodes.push(node as Annotated);
  }
  const last = nodes.at(-1);
  const withProblem = nodes.findLast((n) => n.problem !== undefined);
  return withProblem === undefined ? last : { ...last, problem: withProblem.problem };
}
