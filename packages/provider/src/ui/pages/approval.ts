import { html, type SafeHtml } from '../html.js';

export interface ApprovalInput {
  readonly action: string;
  readonly csrfToken: string;
  /** Who is signed in (username or name). */
  readonly account: string;
  /** One line per requested scope, from the scope registry (OIDC Core §3.1.2.4). */
  readonly permissions: readonly string[];
  /** Hidden fields that carry the request being decided (interaction, user code). */
  readonly hidden: Readonly<Record<string, string>>;
}

/**
 * The body of every "allow or deny" page (consent, device approval): what is asked, as whom, and the
 * form whose buttons are the contract of issue 4 — `decision=approve` / `decision=deny`.
 */
export function approvalForm(input: ApprovalInput, notice: SafeHtml | null = null): SafeHtml {
  return html`<ul class="scopes">
${input.permissions.map(
  (p) => html`<li>${p}</li>
`,
)}</ul>
${notice}<p class="account">Signed in as <strong>${input.account}</strong></p>
<form method="post" action="${input.action}">
${Object.entries(input.hidden).map(
  ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">
`,
)}<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<div class="actions">
<button type="submit" name="decision" value="approve" class="button primary" autofocus>Allow</button>
<button type="submit" name="decision" value="deny" class="button secondary">Deny</button>
</div>
</form>`;
}
