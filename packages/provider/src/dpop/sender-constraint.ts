/**
 * DPoP (RFC 9449) at the provider: the token endpoint binds tokens to the key of a valid proof (§5),
 * and UserInfo accepts a bound token only with a proof by that key (§7). Proofs are checked by
 * @latchkey/oidc; their `jti`s go to the database's replay cache, so a proof used at one instance of a
 * cluster is refused at every other (§11.1). Nonces (§8) are stateless HMACs under a key derived from
 * LATCHKEY_SECRET, so any instance accepts another's.
 */
import { createHmac } from 'node:crypto';
import {
  createDpopNonces,
  DEFAULT_DPOP_ALGORITHMS,
  type DpopNonceSource,
  type DpopProofPolicy,
  isJoseError,
  type JwsAlgorithm,
  verifyDpopProof,
} from '@latchkey/oidc';
import { InvalidDpopProof, InvalidRequest, UseDpopNonce } from '../errors/index.js';
import type { Clock } from '../lib/clock.js';
import type { ClientRecord, ReplayCache } from '../store/types.js';

export interface SenderConstraintDeps {
  readonly issuer: string;
  readonly replayCache: Pick<ReplayCache, 'remember'>;
  readonly now: Clock;
  /** LATCHKEY_SECRET; with `requireNonce`, nonces are keyed by a key derived from it. */
  readonly secret: Uint8Array;
  /** Require a server nonce in every proof (RFC 9449 §8). Default false. */
  readonly requireNonce?: boolean;
}

/** The parts of an HTTP request a proof is checked against. */
export interface ProofRequest {
  readonly method: string;
  /** The path and query as received (Fastify's `request.url`). */
  readonly url: string;
  /** Every `DPoP` header value. */
  readonly proofs: readonly string[];
}

export interface SenderConstraint {
  /** For discovery's `dpop_signing_alg_values_supported`. */
  readonly algorithms: readonly JwsAlgorithm[];
  /**
   * The token endpoint's check (RFC 9449 §5): the thumbprint the new tokens are bound to, or undefined
   * when the request has no proof (refused for a client registered with `dpop_bound_access_tokens`).
   */
  checkTokenRequest(
    request: ProofRequest,
    client: Pick<ClientRecord, 'dpopBoundAccessTokens'>,
  ): Promise<string | undefined>;
  /** RFC 9449 §10.1: a pushed authorization request's proof, if it has one: its key's thumbprint. */
  checkPushedRequest(request: ProofRequest): Promise<string | undefined>;
  /** A protected resource's check (§7.1): a proof by the key `jkt`, for this request and this token. */
  checkResourceRequest(request: ProofRequest, accessToken: string, jkt: string): Promise<void>;
}

export function createSenderConstraint(deps: SenderConstraintDeps): SenderConstraint {
  const nowMs = () => deps.now() * 1000;
  const nonces: DpopNonceSource | undefined =
    deps.requireNonce === true
      ? createDpopNonces({
          secret: createHmac('sha256', deps.secret).update('latchkey dpop nonce').digest(),
          now: nowMs,
        })
      : undefined;
  const policy: DpopProofPolicy = {
    algorithms: DEFAULT_DPOP_ALGORITHMS,
    replayCache: deps.replayCache,
    nonces,
    maxAge: 60,
    clockTolerance: 5,
    now: nowMs,
  };
  const origin = new URL(deps.issuer).origin;

  const verify = async (request: ProofRequest, binding: { accessToken?: string; expectedJkt?: string }) => {
    // RFC 9449 §4.3 check 1: at most one DPoP header.
    if (request.proofs.length !== 1) throw new InvalidDpopProof('Send exactly one DPoP header');
    try {
      return await verifyDpopProof(
        request.proofs[0]!,
        { method: request.method, url: `${origin}${request.url}`, ...binding },
        policy,
      );
    } catch (error) {
      if (isJoseError(error, 'ERR_DPOP_NONCE_REQUIRED') && nonces !== undefined) {
        throw new UseDpopNonce(nonces.current());
      }
      if (isJoseError(error)) throw new InvalidDpopProof(error.message, error.code);
      throw error;
    }
  };

  return {
    algorithms: policy.algorithms,
    async checkTokenRequest(request, client) {
      if (request.proofs.length === 0) {
        // RFC 9449 §5.2: such a client always uses DPoP; a request without a proof is not from it.
        if (client.dpopBoundAccessTokens === true) {
          throw new InvalidRequest('This client must send a DPoP proof with every token request');
        }
        return undefined;
      }
      return (await verify(request, {})).jkt;
    },
    async checkPushedRequest(request) {
      return request.proofs.length === 0 ? undefined : (await verify(request, {})).jkt;
    },
    async checkResourceRequest(request, accessToken, jkt) {
      if (request.proofs.length === 0)
        throw new InvalidDpopProof('A DPoP proof is required with a DPoP-bound token');
      await verify(request, { accessToken, expectedJkt: jkt });
    },
  };
}

/** Every value of the `DPoP` header, duplicates included (Node joins or drops repeats in `headers`). */
export function dpopHeaderValues(request: {
  readonly headers: Readonly<Record<string, unknown>>;
  readonly rawHeaders: readonly string[];
}): string[] {
  // Node names a header `dpop` in `headers` whenever one arrived under any spelling: without it there
  // is nothing to find, and most requests (every Bearer client) skip lowercasing each raw name.
  if (request.headers['dpop'] === undefined) return [];
  const rawHeaders = request.rawHeaders;
  const values: string[] = [];
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toLowerCase() === 'dpop') values.push(rawHeaders[i + 1]!);
  }
  return values;
}

/** The `cnf.jkt` a token is bound to (RFC 9449 §6.1), if any. */
export function boundJkt(claims: Readonly<Record<string, unknown>>): string | undefined {
  const cnf = claims.cnf;
  const jkt = typeof cnf === 'object' && cnf !== null ? (cnf as { jkt?: unknown }).jkt : undefined;
  return typeof jkt === 'string' ? jkt : undefined;
}
