import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { supportContactNote } from '../support-contact.js';
import type { Theme } from '../theme.js';

export interface LoginPageInput {
  readonly action: string;
  readonly interaction: string;
  readonly csrfToken: string;
  readonly clientName: string;
  /** Prefilled username (login_hint, or the last attempt). */
  readonly username?: string;
  /** Shown above the form and tied to both inputs with aria-describedby. */
  readonly error?: string;
  /** Where "Forgot your password?" and "Create an account" lead, when email and registration are on. */
  readonly links?: AccountLinks;
  /** The form of a directory connector (LDAP): "with your <via> account". */
  readonly via?: string | undefined;
  /** Other identity providers: one button each (a link that starts the round trip). */
  readonly providers?: readonly ProviderButton[];
  /** Username-less sign-in with a passkey (a discoverable credential), button and autofill. */
  readonly passkey?: LoginPasskey;
}

export interface ProviderButton {
  readonly name: string;
  readonly href: string;
  readonly logoUrl?: string | undefined;
}

export interface LoginPasskey {
  readonly action: string;
  /** Assertion options (JSON) and their sealed challenge. */
  readonly options: string;
  readonly state: string;
  readonly scripts: readonly string[];
}

export interface AccountLinks {
  readonly forgotPassword?: string | undefined;
  readonly register?: string | undefined;
}

/**
 * The sign-in form, the standard shape password managers and scripts understand (issue 4):
 * `username` with autocomplete=username, `password` with autocomplete=current-password, one submit button.
 */
export function loginPage(theme: Theme, input: LoginPageInput): SafeHtml {
  const hasError = input.error !== undefined;
  const invalid = hasError ? html` aria-describedby="login-error" aria-invalid="true"` : null;
  // Focus goes where the person types next: the password when the username is already known.
  const focusPassword = input.username !== undefined && input.username !== '';
  const content = html`<p class="lead">${input.via === undefined ? null : html`with your <strong>${input.via}</strong> account, `}to continue to <strong>${input.clientName}</strong></p>
${hasError ? html`<p class="alert" id="login-error" role="alert">${input.error}</p>` : null}
<form method="post" action="${input.action}">
<input type="hidden" name="interaction" value="${input.interaction}">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<div class="field">
<label for="username">Username</label>
<input id="username" name="username" type="text" autocomplete="${input.passkey === undefined ? 'username' : 'username webauthn'}" autocapitalize="none" spellcheck="false" maxlength="256" required value="${input.username ?? ''}"${invalid}${focusPassword ? null : html` autofocus`}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" maxlength="1024" required${invalid}${focusPassword ? html` autofocus` : null}>
</div>
<div class="actions">
<button type="submit" class="button primary">Sign in</button>
</div>
</form>
${providerButtons(input.providers)}
${input.passkey === undefined ? null : passkeyForm(input, input.passkey)}
${accountLinks(input.links)}
${supportContactNote(theme, 'Trouble signing in?')}`;
  return layout(theme, {
    title: 'Sign in',
    content,
    ...(input.passkey === undefined ? {} : { scripts: input.passkey.scripts }),
  });
}

/** The passkey's own small form: the script fills `code` with the assertion and submits it. */
function passkeyForm(input: LoginPageInput, passkey: LoginPasskey): SafeHtml {
  return html`<form method="post" action="${passkey.action}">
<input type="hidden" name="interaction" value="${input.interaction}">
<input type="hidden" name="csrf_token" value="${input.csrfToken}">
<input type="hidden" name="code" value="">
<div class="actions"><button type="button" class="button" id="passkey-login" hidden data-options="${passkey.options}" data-state="${passkey.state}">Sign in with a passkey</button></div>
<p id="passkey-login-status" role="status"></p>
</form>`;
}

function accountLinks(links: AccountLinks | undefined): SafeHtml | null {
  if (links?.forgotPassword === undefined && links?.register === undefined) return null;
  return html`<p class="links">${links.forgotPassword === undefined ? null : html`<a href="${links.forgotPassword}">Forgot your password?</a>`}${links.register === undefined ? null : html`<a href="${links.register}">Create an account</a>`}</p>`;
}

/** One button per connector, under the form: "Sign in with <name>" (and its logo, decorative). */
function providerButtons(providers: readonly ProviderButton[] | undefined): SafeHtml | null {
  if (providers === undefined || providers.length === 0) return null;
  return html`<div class="providers" role="group" aria-labelledby="providers-title">
<p class="divider" id="providers-title">or</p>
${providers.map(
  (p) =>
    html`<a class="button secondary provider" href="${p.href}">${p.logoUrl === undefined ? null : html`<img src="${p.logoUrl}" alt="" width="20" height="20">`}Sign in with ${p.name}</a>
`,
)}</div>`;
}
