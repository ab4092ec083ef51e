import { parseJsonObject } from '../jose/json.js';
import { parseCompactJws } from '../jose/jws/parse.js';

/**
 * The `iss` a compact JWT claims, read WITHOUT verifying anything: only to choose which configured
 * issuer's keys and rules to verify it with (a gateway with several providers, workload trust rules,
 * software statements). Never trust the value itself (RFC 8725 §3.10): the verification that follows
 * must require that same issuer. Undefined for anything that is not a well-formed JWS with a string
 * `iss` (the same strict parsing as verification: canonical base64url, no duplicate members).
 */
export function unverifiedIssuer(token: string): string | undefined {
  try {
    const parsed = parseCompactJws(token);
    const claims = parseJsonObject(
      Buffer.from(parsed.payloadSegment, 'base64url'),
      'ERR_JWT_INVALID',
      'the claims',
    );
    return typeof claims['iss'] === 'string' ? claims['iss'] : undefined;
  } catch {
    return undefined;
  }
}
