import { html, type SafeHtml } from '../ui/html.js';
import { layout } from '../ui/layout.js';
import type { Theme } from '../ui/theme.js';

/** A page that says one thing and offers one way on (sent, done, link no longer valid). */
export function messagePage(
  theme: Theme,
  input: {
    readonly title: string;
    readonly message: string;
    readonly link?: { readonly href: string; readonly text: string };
  },
): SafeHtml {
  const content = html`<p class="lead">${input.message}</p>
${input.link === undefined ? null : html`<p><a class="button primary" href="${input.link.href}">${input.link.text}</a></p>`}`;
  return layout(theme, { title: input.title, content });
}

function errorBlock(id: string, error: string | undefined): SafeHtml | null {
  return error === undefined ? null : html`<p class="alert" id="${id}" role="alert">${error}</p>`;
}

const invalidIf = (error: string | undefined, id: string) =>
  error === undefined ? null : html` aria-describedby="${id}" aria-invalid="true"`;

export function forgotPasswordPage(
  theme: Theme,
  input: { readonly action: string; readonly csrfToken: string; readonly error?: string },
): SafeHtml {
  const content = html`<p class="lead">Enter your username or email address. If an account matches, we send a link to choose a new password to its email address.</p>
${errorBlock('forgot-error', input.error)}
<form method="post" action="${input.action}">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<div class="field">
<label for="account">Username or email</label>
<input id="account" name="account" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="254" required autofocus${invalidIf(input.error, 'forgot-error')}>
</div>
<div class="actions"><button type="submit" class="button primary">Send the link</button></div>
</form>`;
  return layout(theme, { title: 'Forgot your password?', content });
}

export function newPasswordPage(
  theme: Theme,
  input: {
    readonly action: string;
    readonly csrfToken: string;
    readonly token: string;
    readonly username: string;
    readonly minLength: number;
    readonly error?: string;
  },
): SafeHtml {
  const invalid = invalidIf(input.error, 'reset-error');
  const content = html`<p class="lead">For the account <strong>${input.username}</strong>. Choosing a new password signs you out everywhere.</p>
${errorBlock('reset-error', input.error)}
<form method="post" action="${input.action}">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<input type="hidden" name="token" value="${input.token}">
<input type="text" name="username" autocomplete="username" value="${input.username}" hidden>
<div class="field">
<label for="new_password">New password</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="${input.minLength}" maxlength="1024" required autofocus aria-describedby="new-password-hint"${input.error === undefined ? null : html` aria-invalid="true"`}>
<p class="hint" id="new-password-hint">At least ${input.minLength} characters. A long phrase you do not use anywhere else is best.</p>
</div>
<div class="field">
<label for="confirm_password">New password again</label>
<input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" maxlength="1024" required${invalid}>
</div>
<div class="actions"><button type="submit" class="button primary">Set the new password</button></div>
</form>`;
  return layout(theme, { title: 'Choose a new password', content });
}

export function confirmEmailPage(
  theme: Theme,
  input: {
    readonly action: string;
    readonly csrfToken: string;
    readonly token: string;
    readonly email: string;
  },
): SafeHtml {
  // A POST, not the GET of the link: mail scanners open links, and must not confirm for the person.
  const content = html`<p class="lead">Confirm that <strong>${input.email}</strong> is your email address.</p>
<form method="post" action="${input.action}">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<input type="hidden" name="token" value="${input.token}">
<div class="actions"><button type="submit" class="button primary" autofocus>Confirm</button></div>
</form>`;
  return layout(theme, { title: 'Confirm your email address', content });
}

export function registerPage(
  theme: Theme,
  input: {
    readonly action: string;
    readonly csrfToken: string;
    readonly minLength: number;
    readonly username?: string;
    readonly email?: string;
    readonly error?: string;
  },
): SafeHtml {
  const invalid = invalidIf(input.error, 'register-error');
  const content = html`<p class="lead">We send a link to your email address to confirm it.</p>
${errorBlock('register-error', input.error)}
<form method="post" action="${input.action}">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<div class="field">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" maxlength="64" required value="${input.username ?? ''}"${invalid}>
</div>
<div class="field">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" maxlength="254" required value="${input.email ?? ''}"${invalid}>
</div>
<div class="field">
<label for="new_password">Password</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="${input.minLength}" maxlength="1024" required aria-describedby="new-password-hint">
<p class="hint" id="new-password-hint">At least ${input.minLength} characters. A long phrase you do not use anywhere else is best.</p>
</div>
<div class="field">
<label for="confirm_password">Password again</label>
<input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" maxlength="1024" required>
</div>
<div class="actions"><button type="submit" class="button primary">Create the account</button></div>
</form>`;
  return layout(theme, { title: 'Create an account', content });
}
