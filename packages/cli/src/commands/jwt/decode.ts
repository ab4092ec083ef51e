import type { Command } from '../../lib/command.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { decodeUnverified } from './segments.js';
import { tokenArgument } from './token-argument.js';

export const jwtDecode: Command = {
  path: ['jwt', 'decode'],
  summary: 'Print the header and claims of a JWT WITHOUT verifying it (TOKEN, or - for stdin)',
  positionals: ['TOKEN'],
  options: {},
  async run(_values, [argument], io) {
    const token = await tokenArgument(argument!, io);
    printJson(io.stdout, decodeUnverified(token));
    println(
      io.stderr,
      "The signature was NOT checked. Use 'latchkey jwt verify TOKEN --issuer URL' to verify it.",
    );
    return 0;
  },
};
