/**
 * The resource identifier of the admin API (RFC 8707 §2): the `aud` its access tokens must carry. A
 * client asks for it with `resource=<issuer>/admin/api` at the token or authorization endpoint, and
 * must list it in its `allowedResources` (docs/admin-api.md).
 */
export function adminApiAudience(issuer: string): string {
  return `${issuer}/admin/api`;
}

/** The path of the API under the issuer's base path. */
export const ADMIN_API_PATH = '/admin/api/v1';
