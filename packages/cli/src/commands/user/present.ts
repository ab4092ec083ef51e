import type { UserRecord } from '@latchkey/provider';

/** A user as the CLI shows it in JSON: OIDC claim names, never the password hash. */
export function userJson(user: UserRecord): Record<string, unknown> {
  return {
    sub: user.id,
    username: user.username,
    email: user.email,
    email_verified: user.emailVerified,
    ...user.profile,
    has_password: user.passwordHash !== null,
    disabled: user.disabled,
    created_at: user.createdAt,
  };
}
