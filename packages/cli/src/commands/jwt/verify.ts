import { isJoseError, isJwsAlgorithm, type JwsAlgorithm, RemoteKeySet, verifyJwt } from '@latchkey/oidc';
import { optionalString, requireString, stringList } from '../../lib/args.js';
import type { Command } from '../../lib/command.js';
import { CommandError, UsageError } from '../../lib/errors.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';
import { discover, explainFailure } from './explain.js';
import { tokenArgument } from './token-argument.js';

export const jwtVerify: Command = {
  path: ['jwt', 'verify'],
  summary: "Verify a JWT against an issuer's published keys and print its claims, or why it failed",
  positionals: ['TOKEN'],
  options: {
    issuer: {
      type: 'string',
      valueName: 'URL',
      description: 'the issuer; its discovery document gives the JWKS (required)',
    },
    audience: {
      type: 'string',
      valueName: 'A',
      description: 'an audience the token must name (not checked when absent)',
    },
    typ: {
      type: 'string',
      valueName: 'T',
      description: 'required typ header, e.g. at+jwt for access tokens',
    },
    algorithm: {
      type: 'string',
      multiple: true,
      valueName: 'ALG',
      description: 'accepted algorithm (default: all asymmetric)',
    },
  },
  async run(values, [argument], io) {
    const issuer = requireString(values, 'issuer');
    const audience = optionalString(values, 'audience');
    const typ = optionalString(values, 'typ');
    const algorithms = stringList(values, 'algorithm');
    for (const alg of algorithms) {
      if (!isJwsAlgorithm(alg))
        throw new UsageError(`--algorithm ${JSON.stringify(alg)} is not a JWS algorithm`);
    }
    const token = await tokenArgument(argument!, io);
    // The JWKS location comes only from the issuer's own discovery document (checklist K6).
    const metadata = await discover(issuer);
    try {
      const keySet = new RemoteKeySet(metadata.jwks_uri);
      const { claims, header } = await verifyJwt(token, keySet, {
        issuer,
        ...(audience === undefined ? {} : { audience }),
        ...(typ === undefined ? {} : { typ }),
        ...(algorithms.length > 0 ? { algorithms: algorithms as JwsAlgorithm[] } : {}),
      });
      printJson(io.stdout, { header, claims });
      println(
        io.stderr,
        `Valid: signed by ${issuer} (kid ${String(header.kid ?? '-')}, ${header.alg})${audience === undefined ? '; audience not checked' : ''}.`,
      );
      return 0;
    } catch (error) {
      if (error instanceof TypeError) throw new UsageError(error.message);
      if (isJoseError(error)) throw new CommandError(explainFailure(error, token, issuer, metadata.jwks_uri));
      throw error;
    }
  },
};
