import { html, type SafeHtml } from '../../ui/html.js';
import { layout } from '../../ui/layout.js';
import { approvalForm } from '../../ui/pages/approval.js';
import type { Theme } from '../../ui/theme.js';

/** The page where a person types the code their device shows (RFC 8628 §3.3). */
export function enterCodePage(
  theme: Theme,
  input: {
    readonly action: string;
    readonly csrfToken: string;
    readonly userCode?: string;
    readonly error?: string;
  },
): SafeHtml {
  const invalid = input.error === undefined ? null : html` aria-describedby="code-error" aria-invalid="true"`;
  const content = html`<p class="lead">Enter the code shown on your device.</p>
${input.error === undefined ? null : html`<p class="alert" id="code-error" role="alert">${input.error}</p>`}
<form method="post" action="${input.action}">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<div class="field">
<label for="user_code">Code</label>
<input id="user_code" name="user_code" type="text" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" maxlength="64" placeholder="XXXX-XXXX" required autofocus value="${input.userCode ?? ''}"${invalid}>
</div>
<div class="actions">
<button type="submit" class="button primary">Continue</button>
</div>
</form>`;
  return layout(theme, { title: 'Connect a device', content });
}

/**
 * Approve or deny (RFC 8628 §3.3): the person sees which application asks, for what, as whom, and is
 * told to go on only if they started this themselves (RFC 8628 §5.4, remote phishing).
 */
export function confirmDevicePage(
  theme: Theme,
  input: {
    readonly action: string;
    readonly csrfToken: string;
    readonly userCode: string;
    readonly clientName: string;
    readonly account: string;
    readonly permissions: readonly string[];
  },
): SafeHtml {
  const notice = html`<p>Code: <code>${input.userCode}</code>. Only allow this if you started signing in on that device yourself and it shows this code.</p>
`;
  const content = html`<p class="lead"><strong>${input.clientName}</strong> on your device would like to:</p>
${approvalForm({ ...input, hidden: { user_code: input.userCode } }, notice)}`;
  return layout(theme, { title: 'Allow this device?', content });
}

/** The end of the flow: the device picks up the answer by itself. */
export function deviceDonePage(theme: Theme, approved: boolean): SafeHtml {
  const content = approved
    ? html`<p class="lead">Your device is now signed in. You can close this page and return to it.</p>`
    : html`<p class="lead">The request was denied. Your device will not be signed in.</p>`;
  return layout(theme, { title: approved ? 'Device connected' : 'Request denied', content });
}
