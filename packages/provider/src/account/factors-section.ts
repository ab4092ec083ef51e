import type { ContinueSignIn } from '../authorization/enrolment-handoff.js';
import { html, SafeHtml } from '../ui/html.js';
import { when } from '../ui/time.js';
import type { FactorsView } from './factors-view.js';

export interface FactorPaths {
  readonly totpBegin: string;
  readonly totpConfirm: string;
}

/** The account page's "Two-step verification" section: set up an app, confirm it, or see its state. */
export function factorsSection(
  view: FactorsView,
  paths: FactorPaths,
  hidden: SafeHtml,
  error: string | undefined,
): SafeHtml {
  const title = html`<h2 id="factors-title">Two-step verification</h2>`;
  if (view.state === 'enrolled') {
    const { recovery } = view;
    return html`<section aria-labelledby="factors-title">
${title}
<p>Authenticator app: <strong>on</strong> since ${when(view.since)}. Signing in asks for a code from it after your password.</p>
<p>Recovery codes: ${recovery.remaining} of ${recovery.remaining + recovery.used} left.</p>
${recovery.lastUsedAt === null ? null : html`<p class="alert" role="status">A recovery code was used to sign in on ${when(recovery.lastUsedAt)}. If that was not you, change your password and ask an administrator to reset your two-step verification.</p>`}
</section>`;
  }
  if (view.state === 'pending') {
    const invalid = error === undefined ? null : html` aria-describedby="totp-error" aria-invalid="true"`;
    // The SVG comes from the qrcode library (markup of paths, no text from the user).
    return html`<section aria-labelledby="factors-title">
${title}
<p>Scan this code with your authenticator app, or type the key below into it.</p>
<div class="qr" role="img" aria-label="QR code of your authenticator key">${new SafeHtml(view.qrSvg)}</div>
<p>Key: <code>${view.secret.replace(/(.{4})/g, '$1 ').trim()}</code></p>
${error === undefined ? null : html`<p class="alert" id="totp-error" role="alert">${error}</p>`}
<form method="post" action="${paths.totpConfirm}">
${hidden}
<div class="field">
<label for="totp_code">Code from the app</label>
<input id="totp_code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9 ]{6,7}" maxlength="7" required${invalid}>
</div>
<div class="actions inline"><button type="submit" class="button primary">Turn on</button></div>
</form>
</section>`;
  }
  return html`<section aria-labelledby="factors-title">
${title}
<p>Protect your account with a code from an authenticator app, asked after your password.</p>
<form method="post" action="${paths.totpBegin}">
${hidden}
<div class="actions inline"><button type="submit" class="button">Set up an authenticator app</button></div>
</form>
</section>`;
}

/** The form that continues the application's sign-in an enrolment was made for. */
export function continueForm(next: ContinueSignIn, label: string): SafeHtml {
  return html`<form method="post" action="${next.action}">
<input type="hidden" name="csrf_token" value="${next.csrfToken}">
<input type="hidden" name="interaction" value="${next.interaction}">
<div class="actions"><button type="submit" class="button primary">${label}: continue to ${next.clientName}</button></div>
</form>`;
}

/**
 * Shown once, right after the app is confirmed: the only time the recovery codes exist outside a hash.
 * With `next`, the button continues to the application that asked for two-step verification.
 */
export function recoveryCodesContent(
  codes: readonly string[],
  accountPage: string,
  next?: ContinueSignIn,
): SafeHtml {
  const done =
    next === undefined
      ? html`<div class="actions"><a class="button primary" href="${accountPage}">I have saved them</a></div>`
      : continueForm(next, 'I have saved them');
  return html`<p class="notice" role="status">Two-step verification is on.</p>
<p>Keep these recovery codes somewhere safe. Each one signs you in once if you lose your authenticator app. They are shown only now.</p>
<ul class="recovery-codes">${codes.map((code) => html`<li><code>${code}</code></li>`)}</ul>
${done}`;
}
