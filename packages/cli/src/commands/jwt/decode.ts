import { decodeBase64url, isJoseError, parseJsonObject } from '@latchkey/oidc';
import type { Command } from '../../lib/command.js';
import { CommandError } from '../../lib/errors.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { tokenArgument } from './token-argument.js';

/** Decodes one base64url JSON segment with the library's strict rules (canonical, UTF-8, no duplicates). */
function segment(text: string | undefined, what: string): Record<string, unknown> {
  if (text === undefined || text === '') throw new CommandError(`the ${what} segment is missing`);
  try {
    return parseJsonObject(decodeBase64url(text), 'ERR_JWS_INVALID', `the ${what}`);
  } catch (error) {
    throw new CommandError(isJoseError(error) ? error.message : String(error));
  }
}

export const jwtDecode: Command = {
  path: ['jwt', 'decode'],
  summary: 'Print the header and claims of a JWT WITHOUT verifying it (TOKEN, or - for stdin)',
  positionals: ['TOKEN'],
  options: {},
  async run(_values, [argument], io) {
    const token = await tokenArgument(argument!, io);
    const parts = token.split('.');
    if (parts.length === 5)
      throw new CommandError('this is a JWE (five segments): it is encrypted and cannot be decoded');
    if (parts.length !== 3)
      throw new CommandError(`a JWT has three dot-separated segments; this has ${parts.length}`);
    printJson(io.stdout, { header: segment(parts[0], 'header'), claims: segment(parts[1], 'claims') });
    println(
      io.stderr,
      "The signature was NOT checked. Use 'latchkey jwt verify TOKEN --issuer URL' to verify it.",
    );
    return 0;
  },
};
