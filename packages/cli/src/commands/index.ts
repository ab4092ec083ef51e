import type { Command } from '../lib/command.js';

/** The one list of commands: adding a command is one new file and one line here. */
export const COMMANDS: readonly Command[] = [];
