import { ASYMMETRIC_ALGORITHMS, isJoseError, LocalKeySet, unverifiedIssuer, verifyJwt } from '@latchkey/oidc';
import type { SoftwareStatementIssuer } from '../../config/client-policies.js';
import {
  InvalidClientMetadata,
  InvalidSoftwareStatement,
  UnapprovedSoftwareStatement,
} from '../../errors/index.js';

/** JWT claims of the statement itself, not client metadata. */
const STATEMENT_CLAIMS = new Set(['iss', 'sub', 'aud', 'exp', 'nbf', 'iat', 'jti']);

/**
 * RFC 7591 §2.3, §3.1.1: a `software_statement` is a JWT by a configured issuer, verified with that
 * issuer's keys (asymmetric only, `exp` required); its metadata takes precedence over the same fields
 * in the request. A statement by an issuer nobody configured is `unapproved_software_statement`, one
 * that does not verify is `invalid_software_statement`. Without a statement the body is unchanged.
 */
export async function applySoftwareStatement(
  body: unknown,
  issuers: readonly SoftwareStatementIssuer[],
  nowMs: () => number,
): Promise<unknown> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  const { software_statement: statement, ...metadata } = body as Record<string, unknown>;
  if (statement === undefined) return body;
  if (typeof statement !== 'string') throw new InvalidClientMetadata('software_statement must be a JWT');
  const issuer = issuers.find((i) => i.issuer === unverifiedIssuer(statement));
  if (issuer === undefined) {
    throw new UnapprovedSoftwareStatement('The software statement is not from an issuer this server trusts');
  }
  let claims: Record<string, unknown>;
  try {
    ({ claims } = await verifyJwt(statement, LocalKeySet.fromJwks(issuer.jwks), {
      issuer: issuer.issuer,
      algorithms: ASYMMETRIC_ALGORITHMS,
      now: nowMs,
    }));
  } catch (error) {
    if (!isJoseError(error)) throw error;
    throw new InvalidSoftwareStatement('The software statement does not verify', error.code);
  }
  const vouched = Object.fromEntries(Object.entries(claims).filter(([name]) => !STATEMENT_CLAIMS.has(name)));
  return { ...metadata, ...vouched };
}
