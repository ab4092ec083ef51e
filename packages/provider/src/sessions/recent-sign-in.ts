/**
 * How old a sign-in may be for an action that must not ride on a long-lived session: the console's
 * sensitive actions (checklist N2, asked for with `max_age`, OIDC Core §3.1.2.1) and linking another
 * provider's account on the account page (issue 17).
 */
export const REAUTH_WINDOW = 5 * 60;

export function signedInRecently(authTime: number, now: number): boolean {
  return now - authTime <= REAUTH_WINDOW;
}
