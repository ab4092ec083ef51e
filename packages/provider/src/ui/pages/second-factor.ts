import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { Theme } from '../theme.js';

export interface SecondFactorPageInput {
  readonly action: string;
  /** The sealed interaction (authorization) or '' (account page). */
  readonly interaction: string;
  readonly csrfToken: string;
  readonly clientName: string;
  readonly error?: string;
  /** When the person has passkeys: the assertion options (JSON) and their sealed challenge. */
  readonly passkey?: {
    readonly options: string;
    readonly state: string;
    readonly scripts: readonly string[];
  };
}

/**
 * The second step of a sign-in: one field for a code from the authenticator app or a recovery code
 * (the provider tells them apart by shape), with autocomplete=one-time-code so phones offer it.
 */
export function secondFactorPage(theme: Theme, input: SecondFactorPageInput): SafeHtml {
  const hasError = input.error !== undefined;
  const described = hasError ? 'code-help code-error' : 'code-help';
  const content = html`<p class="lead">to continue to <strong>${input.clientName}</strong></p>
${hasError ? html`<p class="alert" id="code-error" role="alert">${input.error}</p>` : null}
<form method="post" action="${input.action}">
<input type="hidden" name="interaction" value="${input.interaction}">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<div class="field">
<label for="code">Verification code</label>
<input id="code" name="code" type="text" inputmode="text" autocomplete="one-time-code" autocapitalize="none" spellcheck="false" maxlength="64" required autofocus aria-describedby="${described}"${hasError ? html` aria-invalid="true"` : null}>
<p class="hint" id="code-help">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
</div>
<div class="actions">
<button type="submit" class="button primary">Verify</button>
${
  input.passkey === undefined
    ? null
    : html`<button type="button" class="button" id="passkey-authenticate" hidden data-options="${input.passkey.options}" data-state="${input.passkey.state}">Use a passkey</button>`
}
</div>
${input.passkey === undefined ? null : html`<p id="passkey-authenticate-status" role="status"></p>`}
</form>`;
  return layout(theme, {
    title: 'Two-step verification',
    content,
    ...(input.passkey === undefined ? {} : { scripts: input.passkey.scripts }),
  });
}
