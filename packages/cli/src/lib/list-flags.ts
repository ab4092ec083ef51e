import type { ListChange } from '@latchkey/provider';
import { stringList } from './args.js';
import type { OptionSpec, ParsedValues } from './command.js';

/** `--add-NAME V` and `--remove-NAME V` (repeatable) for one list field of a registration. */
export function listChangeOptions(
  name: string,
  field: string,
  valueName: string,
  what: string,
): Record<string, OptionSpec> {
  return {
    [`add-${name}`]: { type: 'string', multiple: true, valueName, field, description: `add ${what}` },
    [`remove-${name}`]: { type: 'string', multiple: true, valueName, field, description: `remove ${what}` },
  };
}

/** The change the flags ask for, or undefined when neither flag was given. */
export function listChange(values: ParsedValues, name: string): ListChange | undefined {
  const add = stringList(values, `add-${name}`);
  const remove = stringList(values, `remove-${name}`);
  return add.length === 0 && remove.length === 0 ? undefined : { add, remove };
}
