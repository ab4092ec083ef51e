import type { AuditEvent, OpenedProviderStores } from '@latchkey/provider';

/**
 * Records an administration action taken from the CLI in the audit log, beside the sign-in and token
 * events the provider writes. Never carries a secret or password: only who was acted on.
 */
export function auditAdminAction(
  stores: OpenedProviderStores,
  type: `admin.${string}`,
  subject: Pick<AuditEvent, 'userId' | 'clientId'>,
): Promise<void> {
  return stores.audit.append({
    type,
    at: Math.floor(Date.now() / 1000),
    ...subject,
    details: { actor: 'cli' },
  });
}
