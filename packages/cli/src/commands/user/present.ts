import type { UserRecord } from '@latchkey/provider';

/** A user as the CLI shows it in JSON (one shape everywhere): OIDC claim names, never the password hash. */
export function userJson(
  user: UserRecord,
  extra: { groups?: readonly string[] } = {},
): Record<string, unknown> {
  return {
    sub: user.id,
    username: user.username,
    email: user.email,
    email_verified: user.emailVerified,
    ...user.profile,
    has_password: user.passwordHash !== null,
    disabled: user.disabled,
    ...(extra.groups === undefined ? {} : { groups: extra.groups }),
    created_at: user.createdAt,
    updated_at: user.updatedAt,
  };
}
