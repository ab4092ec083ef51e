import { setTimeout as delay } from 'node:timers/promises';
import { fetchDiscovery, isJoseError } from '@latchkey/oidc';
import { requireString, stringList } from '../../lib/args.js';
import type { Command } from '../../lib/command.js';
import {
  checkDpopBound,
  DPOP_OPTIONS,
  dpopProverFromFlags,
  dpopSummary,
  fetchWithDpop,
} from '../../lib/dpop.js';
import { CommandError } from '../../lib/errors.js';
import { println } from '../../lib/io.js';
import { printJson } from '../../lib/output.js';

const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** RFC 8628 §3.2: when the provider names no interval, poll every 5 seconds. */
const DEFAULT_INTERVAL = 5;
/** RFC 8628 §3.5: `slow_down` adds 5 seconds to the interval, for this and every later poll. */
const SLOW_DOWN_STEP = 5;
/** No device code lives forever, even if a provider says so. */
const MAX_WAIT = 3600;
/** Largest response body read from the provider (rule 9). */
const MAX_RESPONSE_BYTES = 256 * 1024;
const REQUEST_TIMEOUT_MS = 30_000;

export interface TokenDeviceDeps {
  readonly fetch?: typeof fetch;
  /** Waits `seconds`; injected so tests do not sleep. */
  readonly sleep?: (seconds: number) => Promise<void>;
  /** Seconds since the epoch. */
  readonly now?: () => number;
}

interface DeviceAuthorizationResponse {
  readonly device_code: string;
  readonly user_code: string;
  readonly verification_uri: string;
  readonly verification_uri_complete?: string;
  readonly expires_in: number;
  readonly interval?: number;
}

/**
 * `latchkey token device`: the device authorization grant (RFC 8628) from a terminal. It finds the
 * endpoints in the issuer's discovery document, asks for a device code, shows the person where to go
 * and what to type (stderr), polls the token endpoint at the interval the provider set — slower after
 * `slow_down` — and prints the token response (stdout) once they approve.
 */
export function createTokenDeviceCommand(deps: TokenDeviceDeps = {}): Command {
  const fetchFn = deps.fetch ?? globalThis.fetch;
  const sleep = deps.sleep ?? ((seconds: number) => delay(seconds * 1000));
  const now = deps.now ?? (() => Math.floor(Date.now() / 1000));
  return {
    path: ['token', 'device'],
    summary: 'Sign in on this device with a code typed in a browser (RFC 8628), and print the tokens',
    options: {
      issuer: { type: 'string', valueName: 'URL', description: 'the issuer (required)' },
      'client-id': {
        type: 'string',
        valueName: 'ID',
        description: 'a public client registered for the device grant (required)',
      },
      scope: {
        type: 'string',
        multiple: true,
        valueName: 'S',
        description: 'a scope to ask for (default: the provider default, openid)',
      },
      resource: {
        type: 'string',
        multiple: true,
        valueName: 'R',
        description: 'a resource (API) the access tokens are for (RFC 8707)',
      },
      ...DPOP_OPTIONS,
    },
    async run(values, _positionals, io) {
      const issuer = requireString(values, 'issuer');
      const clientId = requireString(values, 'client-id');
      const scopes = stringList(values, 'scope')
        .flatMap((s) => s.split(' '))
        .filter((s) => s !== '');
      const prover = await dpopProverFromFlags(values, io, now);
      const metadata = await discover(issuer, fetchFn);

      const request = new URLSearchParams({ client_id: clientId });
      if (scopes.length > 0) request.set('scope', scopes.join(' '));
      for (const resource of stringList(values, 'resource')) request.append('resource', resource);
      const authorization = (await postForm(
        fetchFn,
        metadata.deviceAuthorization,
        request,
      )) as unknown as DeviceAuthorizationResponse;
      checkDeviceAuthorization(authorization);
      println(io.stderr, `To sign in, open ${authorization.verification_uri}`);
      println(io.stderr, `and enter the code: ${authorization.user_code}`);
      if (authorization.verification_uri_complete !== undefined) {
        println(io.stderr, `(or open ${authorization.verification_uri_complete})`);
      }
      println(io.stderr, 'Waiting for approval…');

      let interval = authorization.interval ?? DEFAULT_INTERVAL;
      const deadline = now() + Math.min(authorization.expires_in, MAX_WAIT);
      for (;;) {
        await sleep(interval);
        if (now() >= deadline) throw new CommandError('the code expired before it was approved');
        // RFC 9449 §4.1: every poll is a new request, so a new proof (and the latest nonce).
        const response = await fetchWithDpop(
          fetchFn,
          metadata.token,
          () =>
            formRequest({
              grant_type: DEVICE_GRANT,
              device_code: authorization.device_code,
              client_id: clientId,
            }),
          prover,
        );
        const body = await readJson(response);
        if (response.ok) {
          checkDpopBound(body, prover);
          printJson(io.stdout, { ...body, ...dpopSummary(prover) });
          return 0;
        }
        const error = typeof body['error'] === 'string' ? body['error'] : `HTTP ${response.status}`;
        if (error === 'authorization_pending') continue;
        if (error === 'slow_down') {
          interval += SLOW_DOWN_STEP;
          continue;
        }
        if (error === 'access_denied') throw new CommandError('the request was denied');
        if (error === 'expired_token') throw new CommandError('the code expired before it was approved');
        throw new CommandError(`the provider refused: ${describe(body, error)}`);
      }
    },
  };
}

export const tokenDevice = createTokenDeviceCommand();

async function discover(
  issuer: string,
  fetchFn: typeof fetch,
): Promise<{ deviceAuthorization: string; token: string }> {
  try {
    const metadata = await fetchDiscovery(issuer, { fetch: fetchFn });
    const deviceAuthorization = metadata['device_authorization_endpoint'];
    const token = metadata.token_endpoint;
    if (typeof deviceAuthorization !== 'string' || typeof token !== 'string') {
      throw new CommandError(`${issuer} does not offer the device authorization grant`);
    }
    return { deviceAuthorization, token };
  } catch (error) {
    if (error instanceof TypeError) throw new CommandError(`--issuer: ${error.message}`);
    if (isJoseError(error)) throw new CommandError(`discovery of ${issuer} failed: ${error.message}`);
    throw error;
  }
}

function formRequest(form: Record<string, string> | URLSearchParams): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams(form).toString(),
    redirect: 'manual',
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  };
}

async function postForm(
  fetchFn: typeof fetch,
  url: string,
  form: URLSearchParams,
): Promise<Record<string, unknown>> {
  const response = await fetchFn(url, formRequest(form));
  const body = await readJson(response);
  if (!response.ok) {
    const error = typeof body['error'] === 'string' ? body['error'] : `HTTP ${response.status}`;
    throw new CommandError(`the provider refused: ${describe(body, error)}`);
  }
  return body;
}

async function readJson(response: Response): Promise<Record<string, unknown>> {
  const text = await response.text();
  if (text.length > MAX_RESPONSE_BYTES) throw new CommandError('the provider answered too much');
  try {
    const value: unknown = JSON.parse(text);
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // Reported below.
  }
  throw new CommandError(`the provider answered HTTP ${response.status} without a JSON object`);
}

function checkDeviceAuthorization(body: DeviceAuthorizationResponse): void {
  const ok =
    typeof body.device_code === 'string' &&
    typeof body.user_code === 'string' &&
    typeof body.verification_uri === 'string' &&
    typeof body.expires_in === 'number' &&
    (body.interval === undefined || (typeof body.interval === 'number' && body.interval > 0));
  if (!ok) throw new CommandError('the device authorization response is malformed (RFC 8628 §3.2)');
}

function describe(body: Record<string, unknown>, error: string): string {
  const description = body['error_description'];
  return typeof description === 'string' ? `${error}: ${description}` : error;
}
