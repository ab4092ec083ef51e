import type { CommandIo } from '../../lib/io.js';
import { readAllStdin } from '../../lib/io.js';

/** The TOKEN argument; `-` reads it from standard input (keeps tokens out of shell history). */
export async function tokenArgument(value: string, io: CommandIo): Promise<string> {
  return (value === '-' ? await readAllStdin(io.stdin) : value).trim();
}
