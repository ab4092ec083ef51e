import { fetchDiscovery } from '@latchkey/oidc';
import { requireString, stringList } from '../../lib/args.js';
import type { Command } from '../../lib/command.js';
import {
  checkDpopBound,
  DPOP_OPTIONS,
  dpopProverFromFlags,
  dpopSummary,
  fetchWithDpop,
} from '../../lib/dpop.js';
import { CommandError, UsageError } from '../../lib/errors.js';
import { println, readAllStdin } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';

/** Bounds on the token request (DESIGN rule 9). */
const TIMEOUT_MS = 10_000;
const MAX_RESPONSE_BYTES = 64 * 1024;

/** RFC 6749 §2.3.1: id and secret each form-urlencoded, joined by `:`, then base64. */
function basicCredentials(clientId: string, secret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(secret)}`).toString('base64')}`;
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (text.length > MAX_RESPONSE_BYTES) throw new CommandError('the token response is too large');
  try {
    const body: unknown = JSON.parse(text);
    if (body !== null && typeof body === 'object' && !Array.isArray(body))
      return body as Record<string, unknown>;
  } catch {
    // Reported below.
  }
  throw new CommandError(`the token endpoint answered ${response.status} without a JSON object`);
}

export const tokenClientCredentials: Command = {
  path: ['token', 'client-credentials'],
  summary: 'Get an access token for a client itself (client_credentials) and print it',
  options: {
    issuer: {
      type: 'string',
      valueName: 'URL',
      description: 'the issuer; its discovery document gives the token endpoint (required)',
    },
    'client-id': { type: 'string', valueName: 'ID', description: 'the client id (required)' },
    'client-secret-stdin': {
      type: 'boolean',
      description:
        'read the client secret from standard input (required; secrets are never taken from arguments)',
    },
    resource: {
      type: 'string',
      multiple: true,
      valueName: 'R',
      description: 'a resource the token is for (RFC 8707)',
    },
    scope: { type: 'string', multiple: true, valueName: 'S', description: 'a scope to ask for' },
    json: { type: 'boolean', description: 'print the whole token response as JSON (with dpop_jkt)' },
    ...DPOP_OPTIONS,
  },
  async run(values, _positionals, io) {
    const issuer = requireString(values, 'issuer');
    const clientId = requireString(values, 'client-id');
    if (!values['client-secret-stdin']) {
      throw new UsageError('--client-secret-stdin is required (secrets are never taken from arguments)');
    }
    const secret = await readAllStdin(io.stdin);
    if (secret === '') throw new UsageError('the client secret on standard input is empty');
    const prover = await dpopProverFromFlags(values, io);

    let tokenEndpoint: string;
    try {
      // The token endpoint comes from the issuer's own discovery document (checklist K6).
      const endpoint = (await fetchDiscovery(issuer)).token_endpoint;
      if (typeof endpoint !== 'string') throw new Error('the discovery document has no token_endpoint');
      // The secret goes only over https, or to the issuer's own (loopback, development) origin.
      const url = new URL(endpoint);
      if (url.protocol !== 'https:' && url.origin !== new URL(issuer).origin) {
        throw new Error('the token_endpoint is neither https nor on the issuer');
      }
      tokenEndpoint = endpoint;
    } catch (error) {
      if (error instanceof TypeError) throw new UsageError(`--issuer: ${error.message}`);
      throw new CommandError(`discovery failed: ${(error as Error).message}`);
    }

    const form = new URLSearchParams({ grant_type: 'client_credentials' });
    for (const resource of stringList(values, 'resource')) form.append('resource', resource);
    const scopes = stringList(values, 'scope');
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    let response: Response;
    try {
      response = await fetchWithDpop(
        fetch,
        tokenEndpoint,
        () => ({
          method: 'POST',
          headers: {
            authorization: basicCredentials(clientId, secret),
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
          },
          body: form.toString(),
          redirect: 'error',
          signal: AbortSignal.timeout(TIMEOUT_MS),
        }),
        prover,
      );
    } catch (error) {
      throw new CommandError(`the token request failed: ${(error as Error).message}`);
    }
    const body = await readJson(response);
    const accessToken = body['access_token'];
    if (!response.ok || typeof accessToken !== 'string') {
      const description =
        typeof body['error_description'] === 'string' ? `: ${body['error_description']}` : '';
      throw new CommandError(
        `the token request was refused (${response.status} ${String(body['error'] ?? 'no error code')}${description})`,
      );
    }
    checkDpopBound(body, prover);
    if (values['json']) printJson(io.stdout, { ...body, ...dpopSummary(prover) });
    else {
      println(io.stdout, accessToken);
      // stdout stays the token alone (for scripts); what it is bound to goes to stderr.
      if (prover !== undefined) println(io.stderr, `token_type: DPoP\ndpop_jkt: ${prover.jkt}`);
    }
    return 0;
  },
};
