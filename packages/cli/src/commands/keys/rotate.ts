import { isJwsAlgorithm, type JwsAlgorithm } from '@latchkey/oidc';
import { createKeyManager, RotationRefusedError } from '@latchkey/provider';
import { stringList } from '../../lib/args.js';
import type { Command } from '../../lib/command.js';
import { CommandError, UsageError } from '../../lib/errors.js';
import { println } from '../../lib/io.js';
import { withStores } from '../../lib/provider-context.js';

export const keysRotate: Command = {
  path: ['keys', 'rotate'],
  summary: 'Rotate now: the already-published next key starts signing and a new next key is made',
  options: {
    algorithm: {
      type: 'string',
      multiple: true,
      valueName: 'ALG',
      description: 'only this algorithm (default: all configured)',
    },
    'ignore-publication-delay': {
      type: 'boolean',
      description: 'emergency only: promote a next key published less than one JWKS cache lifetime ago',
    },
  },
  async run(values, _positionals, io) {
    const algorithms = stringList(values, 'algorithm');
    for (const alg of algorithms) {
      if (!isJwsAlgorithm(alg))
        throw new UsageError(`--algorithm ${JSON.stringify(alg)} is not a JWS algorithm`);
    }
    const result = await withStores(values, io, async (stores, config) => {
      try {
        return await createKeyManager({ config, stores, env: io.env }).rotate({
          force: true,
          ...(algorithms.length > 0 ? { algorithms: algorithms as JwsAlgorithm[] } : {}),
          ignorePublicationDelay: values['ignore-publication-delay'] === true,
        });
      } catch (error) {
        if (error instanceof RotationRefusedError) throw new CommandError(refusal(error));
        throw error;
      }
    });
    if (!result.applied)
      throw new CommandError('another instance changed the key set at the same moment; run it again');
    println(io.stdout, result.reasons.length > 0 ? result.reasons.join('\n') : 'Rotated.');
    println(io.stdout, 'Running instances pick the new key set up within their reload interval.');
    return 0;
  },
};

/** Names the flag that forces a rotation the publication delay holds back. */
function refusal(error: RotationRefusedError): string {
  return error.retryAt === undefined
    ? error.message
    : `${error.message} To force it now: latchkey keys rotate --ignore-publication-delay`;
}
