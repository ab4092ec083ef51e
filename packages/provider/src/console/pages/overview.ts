import { COUNT_CAP } from '../../admin/audit/count.js';
import type { AuditEvent } from '../../store/types.js';

type ListedAuditEvent = AuditEvent & { readonly id: number };

import type { KeyInfo } from '../../keys/key-manager.js';
import { html, type SafeHtml } from '../../ui/html.js';
import type { ConsolePaths } from '../paths.js';
import { auditTable } from './audit.js';
import { when } from './frame.js';
import { keyTable } from './keys.js';

export interface OverviewInput {
  readonly paths: ConsolePaths;
  readonly counts: {
    readonly users: number;
    readonly disabledUsers: number;
    readonly clients: number;
    readonly groups: number;
  };
  readonly signIns: { readonly succeeded: number; readonly failed: number };
  readonly keys: readonly KeyInfo[] | undefined;
  readonly events: readonly ListedAuditEvent[];
}

const count = (n: number) => (n >= COUNT_CAP ? `${n}+` : String(n));

export function overviewContent(input: OverviewInput): SafeHtml {
  const { counts, signIns, paths } = input;
  const nextRotation = (input.keys ?? [])
    .filter((k) => k.state === 'current' && k.nextEventAt !== null)
    .map((k) => k.nextEventAt as number)
    .sort((a, b) => a - b)[0];
  return html`<ul class="stats" aria-label="Counts">
<li><strong>${counts.users}</strong> <a href="${paths.users}">users</a>${counts.disabledUsers === 0 ? null : html` (${counts.disabledUsers} disabled)`}</li>
<li><strong>${counts.clients}</strong> <a href="${paths.clients}">clients</a></li>
<li><strong>${counts.groups}</strong> <a href="${paths.groups}">groups</a></li>
<li><strong>${count(signIns.succeeded)}</strong> sign-ins in the last day</li>
<li><strong>${count(signIns.failed)}</strong> failed sign-ins in the last day</li>
</ul>
<section aria-labelledby="keys-title"><h2 id="keys-title">Signing keys</h2>
${input.keys === undefined ? html`<p class="hint">Not available on this instance.</p>` : keyTable(input.keys)}
<p>Next scheduled rotation: ${nextRotation === undefined ? 'none scheduled' : when(nextRotation)}. <a href="${paths.keys}">Manage keys</a></p>
</section>
<section aria-labelledby="events-title"><h2 id="events-title">Recent events</h2>
${auditTable(input.events, 'Recent audit events')}
<p><a href="${paths.audit}">The whole audit log</a></p>
</section>`;
}
