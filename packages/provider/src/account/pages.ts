import { labelled } from '../ui/claim-labels.js';
import { html, type SafeHtml } from '../ui/html.js';
import { layout } from '../ui/layout.js';
import type { Theme } from '../ui/theme.js';
import { when } from '../ui/time.js';
import { type IdentitiesSectionInput, identitiesSection } from './identities-section.js';
import type { AccountView } from './view.js';

/** What a finished action says on the page it returns to (PRG: the POST answers 303 to `?done=…`). */
export const NOTICES = {
  'password-changed': 'Your password was changed. Your other sessions were signed out.',
  'session-ended': 'That session was signed out. Applications it signed in to lose access.',
  'others-ended': 'Every other session was signed out.',
  'application-disconnected':
    'The application was disconnected. It can no longer refresh its access, and must ask you again.',
  'passkey-added': 'The passkey was added. You can use it to sign in.',
  'passkey-removed': 'The passkey was removed.',
  'verification-sent': 'We sent a confirmation link to your email address. Open it within the time it says.',
  'identity-linked': 'The other provider’s account was linked: you can now sign in with it.',
  'identity-unlinked': 'The other provider’s account was unlinked: it no longer signs in to this account.',
} as const;
export type Notice = keyof typeof NOTICES;

export interface AccountPageInput {
  readonly view: AccountView;
  readonly csrfToken: string;
  readonly paths: AccountPaths;
  readonly notice?: Notice | undefined;
  /** A refused password change: shown in the password section, tied to its fields. */
  readonly passwordError?: string | undefined;
  readonly minPasswordLength: number;
  /** Linked sign-in methods; undefined when no connector is configured. */
  readonly identities?: IdentitiesSectionInput | undefined;
  /** The two-step verification section (factors-section.ts). */
  readonly factors?: SafeHtml;
  /** The passkeys section (passkeys.ts) and the scripts it runs. */
  readonly passkeys?: { readonly section: SafeHtml; readonly scripts: readonly string[] };
}

export interface AccountPaths {
  readonly password: string;
  readonly endSession: string;
  readonly endOtherSessions: string;
  readonly disconnect: string;
  readonly signOut: string;
  /** Where "send a confirmation link" posts; undefined when email is not configured. */
  readonly sendVerification?: string | undefined;
}

/** Amr values (RFC 8176) in words, for "how you signed in". */
const METHOD_WORDS: Readonly<Record<string, string>> = {
  pwd: 'password',
  otp: 'one-time code',
  hwk: 'security key',
  swk: 'passkey',
  mfa: 'two factors',
  fed: 'another provider',
};

/** The labels of the OIDC standard claims the page shows, in the order it shows them. */
const PROFILE_FIELDS = labelled([
  'name',
  'given_name',
  'family_name',
  'nickname',
  'preferred_username',
  'phone_number',
  'birthdate',
  'locale',
  'zoneinfo',
  'website',
]);

export function accountPage(theme: Theme, input: AccountPageInput): SafeHtml {
  const { view } = input;
  const hidden = html`<input type="hidden" name="csrf_token" value="${input.csrfToken}">`;
  const content = html`<p class="lead">Signed in as <strong>${view.user.username}</strong> · <a href="${input.paths.signOut}">Sign out</a></p>
${input.notice === undefined ? null : html`<p class="notice" role="status">${NOTICES[input.notice]}</p>`}
${profileSection(view, input.paths.sendVerification, hidden)}
${passwordSection(input, hidden)}
${input.factors ?? null}
${input.passkeys?.section ?? null}
${sessionsSection(input, hidden)}
${input.identities === undefined ? null : identitiesSection(input.identities, hidden)}
${applicationsSection(input, hidden)}
${eventsSection(view)}`;
  return layout(theme, {
    title: 'Your account',
    content,
    wide: true,
    ...(input.passkeys === undefined ? {} : { scripts: input.passkeys.scripts }),
  });
}

function profileSection(view: AccountView, sendVerification: string | undefined, hidden: SafeHtml): SafeHtml {
  const { user } = view;
  const profile = user.profile as Readonly<Record<string, unknown>>;
  const rows = PROFILE_FIELDS.flatMap(([claim, label]) => {
    const value = profile[claim];
    return typeof value === 'string' && value !== '' ? [html`<dt>${label}</dt><dd>${value}</dd>`] : [];
  });
  return html`<section aria-labelledby="profile-title">
<h2 id="profile-title">Profile</h2>
<p class="hint">What this provider knows about you. Applications see it only with the permissions you gave them.</p>
<dl class="facts">
<dt>Username</dt><dd>${user.username}</dd>
<dt>Email</dt><dd>${user.email ?? 'none'}${user.email === null ? null : html` <span class="tag">${user.emailVerified ? 'verified' : 'not verified'}</span>`}</dd>
${rows}
<dt>Member since</dt><dd>${when(user.createdAt)}</dd>
</dl>
${
  user.email !== null && !user.emailVerified && sendVerification !== undefined
    ? html`<form method="post" action="${sendVerification}">${hidden}<div class="actions inline"><button type="submit" class="button secondary">Send a link to confirm ${user.email}</button></div></form>`
    : null
}
</section>`;
}

function passwordSection(input: AccountPageInput, hidden: SafeHtml): SafeHtml {
  const error = input.passwordError;
  const invalid = error === undefined ? null : html` aria-describedby="password-error" aria-invalid="true"`;
  return html`<section aria-labelledby="password-title">
<h2 id="password-title">Change password</h2>
${error === undefined ? null : html`<p class="alert" id="password-error" role="alert">${error}</p>`}
<form method="post" action="${input.paths.password}">
${hidden}
<input type="text" name="username" autocomplete="username" value="${input.view.user.username}" hidden>
<div class="field">
<label for="current_password">Current password</label>
<input id="current_password" name="current_password" type="password" autocomplete="current-password" maxlength="1024" required${invalid}>
</div>
<div class="field">
<label for="new_password">New password</label>
<input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="${input.minPasswordLength}" maxlength="1024" required aria-describedby="new-password-hint"${error === undefined ? null : html` aria-invalid="true"`}>
<p class="hint" id="new-password-hint">At least ${input.minPasswordLength} characters. A long phrase you do not use anywhere else is best.</p>
</div>
<div class="field">
<label for="confirm_password">New password again</label>
<input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" maxlength="1024" required>
</div>
<div class="actions inline">
<button type="submit" class="button primary">Change password</button>
</div>
</form>
</section>`;
}

function sessionsSection(input: AccountPageInput, hidden: SafeHtml): SafeHtml {
  const { sessions } = input.view;
  const others = sessions.filter((s) => !s.current).length;
  return html`<section aria-labelledby="sessions-title">
<h2 id="sessions-title">Where you are signed in</h2>
<ul class="rows">
${sessions.map(
  (s) => html`<li>
<div><strong>${s.current ? 'This browser' : 'Another browser or device'}</strong>
<span class="meta">Signed in ${when(s.signedInAt)} with ${s.methods.map((m) => METHOD_WORDS[m] ?? m).join(' and ') || 'unknown method'} · last active ${when(s.lastSeenAt)}</span></div>
${
  s.current
    ? null
    : html`<form method="post" action="${input.paths.endSession}">${hidden}<input type="hidden" name="sid" value="${s.sid}"><button type="submit" class="button secondary small">Sign out<span class="visually-hidden"> the session from ${when(s.signedInAt)}</span></button></form>`
}
</li>
`,
)}</ul>
${
  others === 0
    ? null
    : html`<form method="post" action="${input.paths.endOtherSessions}">${hidden}<div class="actions inline"><button type="submit" class="button secondary">Sign out everywhere else</button></div></form>`
}
</section>`;
}

function applicationsSection(input: AccountPageInput, hidden: SafeHtml): SafeHtml {
  const apps = input.view.applications;
  return html`<section aria-labelledby="apps-title">
<h2 id="apps-title">Connected applications</h2>
${
  apps.length === 0
    ? html`<p class="hint">You have not allowed any application to use your account.</p>`
    : html`<ul class="rows">
${apps.map(
  (a) => html`<li>
<div><strong>${a.name}</strong>${a.agent === undefined ? null : html` <span class="tag">agent</span>`}
${a.agent === 'metadata-document' ? html`<span class="meta">Described by <code>${a.clientId}</code></span>` : null}
<span class="meta">Allowed ${when(a.grantedAt)}${a.lastUsedAt === undefined ? null : html` · last used ${when(a.lastUsedAt)}`}</span>
<span class="meta">${a.permissions.join('; ')}</span></div>
<form method="post" action="${input.paths.disconnect}">${hidden}<input type="hidden" name="client_id" value="${a.clientId}"><button type="submit" class="button secondary small">Disconnect<span class="visually-hidden"> ${a.name}</span></button></form>
</li>
`,
)}</ul>`
}
</section>`;
}

function eventsSection(view: AccountView): SafeHtml {
  return html`<section aria-labelledby="events-title">
<h2 id="events-title">Recent security events</h2>
${
  view.events.length === 0
    ? html`<p class="hint">Nothing yet.</p>`
    : html`<ul class="rows events">
${view.events.map(
  (
    e,
  ) => html`<li><div>${e.text}<span class="meta">${when(e.at)}${e.ip === null ? null : html` · from ${e.ip}`}</span></div></li>
`,
)}</ul>`
}
<p class="hint">Something you do not recognise? Change your password and sign out everywhere else.</p>
</section>`;
}
