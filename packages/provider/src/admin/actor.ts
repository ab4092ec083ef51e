/**
 * Who made an administrative change, recorded with every audit event the admin layer writes. The
 * three faces (DESIGN Round 2) each name their own actor; `system` is the provider itself (the demo
 * client registered at first start, test fixtures); `self` is the person, on their own account pages
 * (self-registration).
 */
export interface AdminActor {
  readonly type: 'cli' | 'admin-api' | 'console' | 'system' | 'self';
  /** The OS user (cli), the admin user's `sub` or the client id (admin-api, console), `latchkey` (system). */
  readonly id: string;
}

export const SYSTEM_ACTOR: AdminActor = { type: 'system', id: 'latchkey' };
