import { COMMON_OPTIONS, type Command } from './command.js';

function flagLine(name: string, spec: Command['options'][string]): string {
  const short = spec.short ? `-${spec.short}, ` : '    ';
  const value = spec.type === 'string' ? ` ${spec.valueName ?? 'VALUE'}` : '';
  const repeat = spec.multiple ? ' (repeatable)' : '';
  // A flag longer than the column still gets two spaces before its description.
  return `  ${short}--${name}${value}  `.padEnd(34) + spec.description + repeat;
}

export function commandHelp(command: Command): string {
  const positionals = command.positionals?.length ? ` ${command.positionals.join(' ')}` : '';
  const lines = [
    `Usage: latchkey ${command.path.join(' ')}${positionals} [options]`,
    '',
    command.summary,
    '',
    'Options:',
  ];
  for (const [name, spec] of Object.entries(command.options)) lines.push(flagLine(name, spec));
  for (const [name, spec] of Object.entries(COMMON_OPTIONS)) lines.push(flagLine(name, spec));
  return lines.join('\n');
}

export function overviewHelp(commands: readonly Command[], prefix: readonly string[] = []): string {
  const shown = commands.filter((c) => prefix.every((word, i) => c.path[i] === word));
  const width = Math.max(...shown.map((c) => c.path.join(' ').length)) + 4;
  const lines = [
    `Usage: latchkey ${prefix.length ? `${prefix.join(' ')} ` : ''}<command> [options]`,
    '',
    'Latchkey: a self-hosted OpenID Connect provider, verification library and gateway.',
    '',
    'Commands:',
    ...shown.map((c) => `  ${c.path.join(' ').padEnd(width)}${c.summary}`),
    '',
    "Run 'latchkey <command> --help' for a command's options, 'latchkey --version' for the version.",
  ];
  return lines.join('\n');
}
