import { html, type SafeHtml } from '../ui/html.js';
import { when } from '../ui/time.js';

/** A linked upstream identity as the account page lists it. */
export interface LinkedIdentityView {
  readonly connectorId: string;
  readonly issuer: string;
  readonly subject: string;
  readonly name: string;
  readonly email: string | null;
  readonly linkedAt: number;
  readonly lastUsedAt: number;
}

export interface IdentitiesSectionInput {
  readonly linked: readonly LinkedIdentityView[];
  /** Connectors the person may link (one link each: a round trip to the upstream, then attach). */
  readonly linkable: readonly { readonly name: string; readonly href: string }[];
  readonly unlinkAction: string;
}

/**
 * "Linked sign-in methods": the other providers' accounts that sign in to this one, each with Unlink,
 * and a link per connector to add one. Linking is only ever done here, by the signed-in person after a
 * round trip to the upstream, never automatically by email (X2).
 */
export function identitiesSection(input: IdentitiesSectionInput, hidden: SafeHtml): SafeHtml {
  return html`<section aria-labelledby="identities-title">
<h2 id="identities-title">Linked sign-in methods</h2>
${
  input.linked.length === 0
    ? html`<p class="hint">No other provider’s account signs in to this one.</p>`
    : html`<ul class="rows">
${input.linked.map(
  (i) => html`<li>
<div><strong>${i.name}</strong>
<span class="meta">${i.email ?? 'no verified address'} · linked ${when(i.linkedAt)} · last used ${when(i.lastUsedAt)}</span></div>
<form method="post" action="${input.unlinkAction}">${hidden}<input type="hidden" name="connector" value="${i.connectorId}"><input type="hidden" name="issuer" value="${i.issuer}"><input type="hidden" name="subject" value="${i.subject}"><button type="submit" class="button secondary small">Unlink<span class="visually-hidden"> ${i.name}</span></button></form>
</li>
`,
)}</ul>`
}
${
  input.linkable.length === 0
    ? null
    : html`<div class="actions inline">${input.linkable.map((c) => html`<a class="button secondary provider" href="${c.href}">Link ${c.name}</a>`)}</div>`
}
</section>`;
}
