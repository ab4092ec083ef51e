import { parseArgs } from 'node:util';
import { COMMON_OPTIONS, type Command, type ParsedValues } from './command.js';
import { UsageError } from './errors.js';

/** Parses argv for one command strictly: unknown flags, missing values and stray words are usage errors. */
export function parseCommandArgs(
  command: Command,
  argv: readonly string[],
): { values: ParsedValues; positionals: string[] } {
  const options = { ...COMMON_OPTIONS, ...command.options };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: [...argv],
      // Only the members node:util understands, and only when set (it rejects `short: undefined`).
      options: Object.fromEntries(
        Object.entries(options).map(([name, { type, short, multiple }]) => [
          name,
          {
            type,
            ...(short === undefined ? {} : { short }),
            ...(multiple === undefined ? {} : { multiple }),
          },
        ]),
      ),
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // node:util's messages already name the flag (e.g. "Unknown option '--colour'").
    throw new UsageError((error as Error).message);
  }
  const positionals = parsed.positionals;
  const expected = command.positionals?.length ?? 0;
  if (!parsed.values.help && positionals.length !== expected) {
    const extra = positionals.slice(expected);
    throw new UsageError(
      positionals.length > expected
        ? `unexpected argument '${extra[0]}' for 'latchkey ${command.path.join(' ')}'`
        : `'latchkey ${command.path.join(' ')}' needs ${command.positionals!.slice(positionals.length).join(' ')}`,
    );
  }
  return { values: parsed.values as ParsedValues, positionals };
}

/** A required string flag, or a usage error naming it. */
export function requireString(values: ParsedValues, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);
  return value;
}

export function optionalString(values: ParsedValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

export function stringList(values: ParsedValues, name: string): string[] {
  const value = values[name];
  return Array.isArray(value) ? value : typeof value === 'string' ? [value] : [];
}

/** A port number flag: 0–65535, or a usage error naming the bad value. */
export function parsePort(value: string, name: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value) || port > 65535)
    throw new UsageError(`--${name} ${JSON.stringify(value)} is not a port number (0-65535)`);
  return port;
}
