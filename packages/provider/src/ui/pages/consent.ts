import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { Theme } from '../theme.js';
import { approvalForm } from './approval.js';

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
${approvalForm({ ...input, hidden: { interaction: input.interaction } })}`;
  return layout(theme, { title: 'Allow access?', content });
}
