import { html, type SafeHtml } from '../../ui/html.js';
import { layout } from '../../ui/layout.js';
import type { Theme } from '../../ui/theme.js';

/**
 * RP-Initiated Logout §2: "the OP SHOULD ask the End-User whether to log out". One button; the
 * request's own parameters ride along as hidden fields so the POST is checked again exactly as the
 * GET was, with the browser-bound CSRF token (S4).
 */
export function confirmLogoutPage(
  theme: Theme,
  input: {
    readonly action: string;
    readonly csrfToken: string;
    readonly fields: readonly (readonly [string, string])[];
    readonly account: string;
    /** The application that asked, when it could be identified. */
    readonly clientName: string | undefined;
  },
): SafeHtml {
  const lead =
    input.clientName === undefined
      ? html`<p class="lead">Do you want to sign out of ${theme.productName}?</p>`
      : html`<p class="lead"><strong>${input.clientName}</strong> asks to sign you out of ${theme.productName}.</p>`;
  const content = html`${lead}
<p class="account">Signed in as <strong>${input.account}</strong></p>
<form method="post" action="${input.action}">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
${input.fields.map(
  ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">
`,
)}<div class="actions">
<button type="submit" class="button primary" autofocus>Sign out</button>
</div>
</form>
<p>If you did not ask to sign out, close this page: you stay signed in.</p>`;
  return layout(theme, { title: 'Sign out?', content });
}

/** The end of a logout that does not return to an application (no valid hint and registered URI). */
export function signedOutPage(theme: Theme): SafeHtml {
  const content = html`<p class="lead">You have signed out of ${theme.productName}. You can close this page.</p>`;
  return layout(theme, { title: 'You are signed out', content });
}
