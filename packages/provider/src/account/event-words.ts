import type { AuditEvent } from '../store/types.js';

/**
 * A person's own security events in plain words (the account page). Types not listed here are not
 * shown to the person: they are operators' events, or carry nothing the person can act on.
 */
const WORDS: Readonly<Record<string, (event: AuditEvent, clientName: string) => string>> = {
  'sign_in.success': (_e, client) => (client ? `Signed in to ${client}` : 'Signed in'),
  'sign_in.failure': () => 'A sign-in with a wrong password was refused',
  'session.logout': () => 'Signed out',
  'session.ended_by_user': () => 'Signed out another session from this page',
  'password.changed': () => 'Password changed',
  'password.reset_requested': () => 'A password reset link was sent to your email address',
  'password.reset': () => 'Password reset with an emailed link; every session was signed out',
  'email.verification_sent': () => 'A confirmation link was sent to your email address',
  'email.verified': () => 'Email address confirmed',
  'user.registered': () => 'Account created',
  'identity.linked': () => 'Linked another provider’s account for signing in',
  'identity.unlinked': () => 'Unlinked another provider’s account',
  'consent.granted': (_e, client) => `Allowed ${client || 'an application'} access`,
  'consent.denied': (_e, client) => `Denied ${client || 'an application'} access`,
  'consent.revoked': (_e, client) => `Disconnected ${client || 'an application'}`,
  'device.approved': (_e, client) => `Approved a device sign-in for ${client || 'an application'}`,
  'device.denied': (_e, client) => `Denied a device sign-in for ${client || 'an application'}`,
  'factor.enrolled': () => 'Two-step verification turned on (authenticator app)',
  'recovery_code.used': () => 'A recovery code was used to sign in',
  'admin.user.factors_reset': () =>
    'An administrator reset your two-step verification; you can set it up again on this page',
  'refresh.reuse_detected': (_e, client) =>
    `A reused sign-in token was detected, so ${client || 'an application'} was signed out`,
  'authorization_code.replayed': (_e, client) =>
    `A sign-in code was used twice, so ${client || 'an application'} was signed out`,
};

/** The sentence for an event of the person's own account, or undefined when it is not shown to them. */
export function describeOwnEvent(event: AuditEvent, clientName: string): string | undefined {
  return WORDS[event.type]?.(event, clientName);
}

export const OWN_EVENT_TYPES: readonly string[] = Object.keys(WORDS);
