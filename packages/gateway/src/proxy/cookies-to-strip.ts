import type { GatewayConfig } from '../config/types.js';

/**
 * Session cookies of OpenID Providers, by name. Cookies are scoped to a host, not a port: a provider
 * on the gateway's own host (`localhost:3000` next to `localhost:4180`) has its cookies sent to the
 * gateway too, and they are credentials of the user at the provider that the upstream must not see.
 */
export const KNOWN_PROVIDER_COOKIES: readonly string[] = [
  // Latchkey (`__Host-` on https).
  'latchkey-browser',
  'latchkey-session',
  '__Host-latchkey-browser',
  '__Host-latchkey-session',
  // node-oidc-provider.
  '_session',
  '_session.sig',
  '_session.legacy',
  '_session.legacy.sig',
  '_interaction',
  '_interaction.sig',
  '_interaction_resume',
  '_interaction_resume.sig',
  // Keycloak.
  'KEYCLOAK_SESSION',
  'KEYCLOAK_SESSION_LEGACY',
  'KEYCLOAK_IDENTITY',
  'KEYCLOAK_IDENTITY_LEGACY',
  'AUTH_SESSION_ID',
  'AUTH_SESSION_ID_LEGACY',
  'KC_RESTART',
  'KC_AUTH_SESSION_HASH',
];

/**
 * The cookie names taken out of the Cookie header sent upstream: the gateway's own, the configured
 * `upstreamCookies.strip`, and — when a provider shares the gateway's host — the known provider
 * cookies, except those `upstreamCookies.pass` lets through.
 */
export function cookiesToStrip(config: GatewayConfig, own: readonly string[]): ReadonlySet<string> {
  const names = new Set([...own, ...config.upstreamCookies.strip]);
  const host = config.publicUrl.hostname;
  if (config.providers.some((p) => new URL(p.issuer).hostname === host)) {
    for (const name of KNOWN_PROVIDER_COOKIES)
      if (!config.upstreamCookies.pass.includes(name)) names.add(name);
  }
  return names;
}
