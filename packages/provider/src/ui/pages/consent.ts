import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { Theme } from '../theme.js';

export interface ConsentPageInput {
  readonly action: string;
  readonly interaction: string;
  readonly csrfToken: string;
  readonly clientName: string;
  /** Who is signed in (username or name). */
  readonly account: string;
  /** One line per requested scope, from the scope registry (OIDC Core §3.1.2.4). */
  readonly permissions: readonly string[];
}

/** Consent: `decision=approve` or `decision=deny` (the exact contract of issue 4). */
export function consentPage(theme: Theme, input: ConsentPageInput): SafeHtml {
  const content = html`<p class="lead"><strong>${input.clientName}</strong> would like to:</p>
<ul class="scopes">
${input.permissions.map(
  (p) => html`<li>${p}</li>
`,
)}</ul>
<p class="account">Signed in as <strong>${input.account}</strong></p>
<form method="post" action="${input.action}">
<input type="hidden" name="interaction" value="${input.interaction}">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<div class="actions">
<button type="submit" name="decision" value="approve" class="button primary" autofocus>Allow</button>
<button type="submit" name="decision" value="deny" class="button secondary">Deny</button>
</div>
</form>`;
  return layout(theme, { title: 'Allow access?', content });
}
