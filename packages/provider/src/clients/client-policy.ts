/**
 * A trust policy for clients nobody registered by hand (Client ID Metadata Documents, dynamic
 * registration): which of them are admitted, and what they may be granted. The policy decides, not
 * the client's own metadata: the MCP SDK registers with its first challenge's scope and later steps up
 * to more (`scope="mcp:tools mcp:admin"`), which only the policy can allow.
 */
export interface ClientPolicy {
  /**
   * Hosts of the metadata document URL: `*` (any), `*.example.com` (any subdomain of it, not the name
   * itself) or an exact host name. Compared lower-case, without the port.
   */
  readonly hosts: readonly string[];
  /** Scopes a client admitted by this policy may be granted. */
  readonly scopes: readonly string[];
  /** RFC 8707 resources a client admitted by this policy may ask tokens for. */
  readonly resources: readonly string[];
}

/** The first policy whose hosts match, or undefined (then the client is not admitted). */
export function policyForHost(policies: readonly ClientPolicy[], hostname: string): ClientPolicy | undefined {
  const host = hostname.toLowerCase();
  return policies.find((policy) => policy.hosts.some((pattern) => hostMatches(pattern, host)));
}

export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*.')) return host.endsWith(p.slice(1)) && host.length > p.length - 1;
  return host === p;
}
