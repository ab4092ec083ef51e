/** The console's pages, relative to the issuer (the admin API lives apart, under /admin/api/v1). */
export const CONSOLE_PATHS = {
  overview: '/admin',
  signIn: '/admin/sign-in',
  callback: '/admin/callback',
  signOut: '/admin/sign-out',
  clients: '/admin/clients',
  newClient: '/admin/clients/new',
  users: '/admin/users',
  newUser: '/admin/users/new',
  groups: '/admin/groups',
  keys: '/admin/keys',
  rotateKeys: '/admin/keys/rotate',
  audit: '/admin/audit',
  connectors: '/admin/connectors',
  settings: '/admin/settings',
  followAuditScript: '/admin/assets/follow-audit.js',
} as const;

export type ConsolePaths = { readonly [K in keyof typeof CONSOLE_PATHS]: string };

export function consolePaths(basePath: string): ConsolePaths {
  return Object.fromEntries(
    Object.entries(CONSOLE_PATHS).map(([name, path]) => [name, basePath + path]),
  ) as unknown as ConsolePaths;
}

/** A path segment for a client id, username or group name (each is URL-safe text, but encode anyway). */
export const segment = (value: string): string => encodeURIComponent(value);
