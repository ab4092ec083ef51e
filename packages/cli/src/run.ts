import { AdminError } from '@latchkey/provider';
import { COMMANDS } from './commands/index.js';
import { adminErrorForCli } from './lib/admin-errors.js';
import { parseCommandArgs } from './lib/args.js';
import type { Command } from './lib/command.js';
import { CommandError, UsageError } from './lib/errors.js';
import { commandHelp, overviewHelp } from './lib/help.js';
import { type CommandIo, println } from './lib/io.js';
import { cliVersion } from './lib/version.js';

/** Finds the command whose words start argv, longest match first. */
function findCommand(argv: readonly string[]): { command: Command; rest: string[] } | undefined {
  const sorted = [...COMMANDS].sort((a, b) => b.path.length - a.path.length);
  for (const command of sorted) {
    if (command.path.every((word, i) => argv[i] === word))
      return { command, rest: argv.slice(command.path.length) };
  }
  return undefined;
}

/** Runs the CLI in-process and returns the exit status (0 ok, 1 failure, 2 bad usage). */
export async function runCli(argv: readonly string[], io: CommandIo): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    println(io.stdout, overviewHelp(COMMANDS));
    return 0;
  }
  if (argv[0] === '--version' || argv[0] === '-V') {
    println(io.stdout, cliVersion());
    return 0;
  }
  const found = findCommand(argv);
  if (!found) {
    const nounOnly = COMMANDS.some((c) => c.path[0] === argv[0]);
    if (nounOnly && (argv.length === 1 || argv[1]?.startsWith('-'))) {
      println(
        argv.includes('--help') || argv.includes('-h') ? io.stdout : io.stderr,
        overviewHelp(COMMANDS, [argv[0]!]),
      );
      return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
    }
    const words = nounOnly ? `${argv[0]} ${argv[1]}` : argv[0];
    println(io.stderr, `latchkey: unknown command '${words}'. Run 'latchkey --help' for the list.`);
    return 2;
  }
  const { command, rest } = found;
  try {
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values.help) {
      println(io.stdout, commandHelp(command));
      return 0;
    }
    return (await command.run(values, positionals, io)) ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      println(io.stderr, `latchkey ${command.path.join(' ')}: ${error.message}`);
      println(io.stderr, `Run 'latchkey ${command.path.join(' ')} --help' for usage.`);
      return error.exitCode;
    }
    if (error instanceof AdminError) {
      const cliError = adminErrorForCli(error, command);
      println(io.stderr, `latchkey ${command.path.join(' ')}: ${cliError.message}`);
      return cliError.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    println(io.stderr, `latchkey ${command.path.join(' ')}: ${message}`);
    return error instanceof CommandError ? error.exitCode : 1;
  }
}
