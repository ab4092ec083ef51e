import type { AuditEvent } from '../../store/types.js';

type ListedAuditEvent = AuditEvent & { readonly id: number };

import { html, type SafeHtml } from '../../ui/html.js';
import type { ConsolePaths } from '../paths.js';
import { when } from './frame.js';

export interface AuditFilterValues {
  readonly type: string;
  readonly user: string;
  readonly client: string;
  readonly since: string;
  readonly until: string;
}

export function auditTable(events: readonly ListedAuditEvent[], caption: string, id?: string): SafeHtml {
  return html`<div class="table-wrap" tabindex="0"><table class="list wide"${id === undefined ? null : html` id="${id}"`}>
<caption class="visually-hidden">${caption}</caption>
<thead><tr><th scope="col">When</th><th scope="col">Event</th><th scope="col">User (sub)</th><th scope="col">Client</th><th scope="col">Address</th><th scope="col">Details</th></tr></thead>
<tbody>
${events.map(
  (
    e,
  ) => html`<tr><td>${when(e.at)}</td><td><code>${e.type}</code></td><td>${e.userId ? html`<code>${e.userId}</code>` : ''}</td><td>${e.clientId ?? ''}</td><td>${e.ip ?? ''}</td><td>${e.details === undefined ? '' : html`<code>${JSON.stringify(e.details)}</code>`}</td></tr>
`,
)}</tbody></table></div>
${events.length === 0 ? html`<p class="hint">No event matches.</p>` : null}`;
}

export function auditContent(
  paths: ConsolePaths,
  values: AuditFilterValues,
  events: readonly ListedAuditEvent[],
  limit: number,
): SafeHtml {
  const input = (name: keyof AuditFilterValues, label: string, type = 'text', hint?: string) =>
    html`<div class="field"><label for="f-${name}">${label}</label><input id="f-${name}" name="${name}" type="${type}" value="${values[name]}" maxlength="255"${hint === undefined ? null : html` placeholder="${hint}"`}></div>`;
  return html`<form method="get" action="${paths.audit}" role="search">
<div class="filters">
${input('type', 'Event type', 'text', 'sign_in.failure, admin.')}
${input('user', 'User (username or sub)')}
${input('client', 'Client id')}
${input('since', 'From (UTC day)', 'date')}
${input('until', 'To (UTC day, inclusive)', 'date')}
</div>
<div class="actions inline"><button type="submit" class="button secondary small">Filter</button><a class="button secondary small" href="${paths.audit}">Clear</a></div>
</form>
<p class="hint">The newest ${limit} matching events, newest first. A type ending in a dot matches every type it begins (e.g. <code>admin.</code>). Reload to see new events.</p>
<div class="follow" hidden><label class="check"><input type="checkbox" id="follow-live"> Follow live: read new events every 5 seconds</label>
<p class="hint" id="follow-status" role="status"></p></div>
${auditTable(events, 'Audit events', 'audit-events')}
<script src="${paths.followAuditScript}" defer></script>`;
}
