import type { ProviderConfig, RouteConfig } from '../config/types.js';
import type { Policy } from '../policy/expression.js';

/** RFC 9728 §3: the well-known path prefix of protected resource metadata. */
export const WELL_KNOWN_RESOURCE = '/.well-known/oauth-protected-resource';

/**
 * RFC 9728 §3.1: the metadata URL inserts the well-known path between the resource identifier's host
 * and path: `https://api.example/orders` → `https://api.example/.well-known/oauth-protected-resource/orders`.
 */
export function metadataUrlOf(route: RouteConfig): string {
  const resource = new URL(route.resource);
  return `${resource.origin}${WELL_KNOWN_RESOURCE}${resource.pathname === '/' ? '' : resource.pathname}`;
}

/** The route a metadata request is about: an API-capable, protected route with that resource path on that host. */
export function routeForMetadata(
  routes: readonly RouteConfig[],
  host: string,
  path: string,
): RouteConfig | undefined {
  if (path !== WELL_KNOWN_RESOURCE && !path.startsWith(`${WELL_KNOWN_RESOURCE}/`)) return undefined;
  const resourcePath = path.slice(WELL_KNOWN_RESOURCE.length) || '/';
  return routes.find((route) => {
    if (route.mode === 'browser' || route.policy.kind === 'public') return false;
    const resource = new URL(route.resource);
    const hostOk = route.host === undefined || route.host.startsWith('*.') || route.host === host;
    return hostOk && resource.pathname === resourcePath;
  });
}

/** The metadata document (RFC 9728 §2): the resource, where to get tokens, how to send them, which scopes. */
export function resourceMetadata(
  route: RouteConfig,
  providers: readonly ProviderConfig[],
): Record<string, unknown> {
  return {
    resource: route.resource,
    authorization_servers: route.providers.map((id) => providers.find((p) => p.id === id)!.issuer),
    bearer_methods_supported: ['header'],
    scopes_supported: scopesOf(route.policy),
  };
}

function scopesOf(policy: Policy): string[] {
  if (policy.kind !== 'require') return [];
  return [...new Set(policy.clauses.flat().flatMap((r) => (r.kind === 'scope' ? [r.name] : [])))];
}
