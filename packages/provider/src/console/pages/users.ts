import type { AdminPage } from '../../admin/cursor.js';
import type { UserFactors } from '../../admin/users/factors.js';
import type { ConsentRecord, SessionRecord, UserRecord } from '../../store/types.js';
import { labelled } from '../../ui/claim-labels.js';
import { html, type SafeHtml } from '../../ui/html.js';
import { type ConsolePaths, segment } from '../paths.js';
import { buttonForm, csrfField, nextPageLink, when } from './frame.js';

export const USER_NOTICES = {
  'user-created': 'The user was created.',
  'user-updated': 'The profile was saved.',
  'user-disabled': 'The user was disabled and their sessions ended.',
  'user-enabled': 'The user was enabled again.',
  'password-set': 'The password was reset. Tell the person through a channel you trust.',
  'factors-reset':
    'The second factors were removed; the user can sign in with the password and set them up again.',
  'group-added': 'The user was added to the group.',
  'group-removed': 'The user was removed from the group.',
  'session-ended': 'The session was ended; applications it signed in to were told.',
  'consent-revoked': 'The consent was revoked; the application must ask again.',
} as const;

export const userPath = (paths: ConsolePaths, username: string) => `${paths.users}/${segment(username)}`;

/** The profile claims the console edits (admin/users/profile.ts checks each). */
export const EDITABLE_CLAIMS = labelled([
  'name',
  'given_name',
  'family_name',
  'nickname',
  'preferred_username',
  'phone_number',
  'locale',
  'zoneinfo',
  'website',
  'picture',
]);

export function userListContent(paths: ConsolePaths, users: AdminPage<UserRecord>, search: string): SafeHtml {
  return html`<div class="actions inline"><a class="button primary" href="${paths.newUser}">New user</a></div>
<form method="get" action="${paths.users}" class="inline-form" role="search">
<div class="field"><label for="q">Search by the start of a username or email</label><input id="q" name="q" type="search" value="${search}" maxlength="200"></div>
<button type="submit" class="button secondary small">Search</button>
</form>
<div class="table-wrap" tabindex="0"><table class="list">
<caption class="visually-hidden">Users</caption>
<thead><tr><th scope="col">Username</th><th scope="col">Email</th><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Created</th></tr></thead>
<tbody>
${users.items.map(
  (
    u,
  ) => html`<tr><td><a href="${userPath(paths, u.username)}">${u.username}</a></td><td>${u.email ?? ''}${u.email !== null && u.emailVerified ? ' (verified)' : null}</td><td>${u.profile.name ?? ''}</td><td>${u.disabled ? 'disabled' : 'enabled'}</td><td>${when(u.createdAt)}</td></tr>
`,
)}</tbody></table></div>
${users.items.length === 0 ? html`<p class="hint">No user matches.</p>` : nextPageLink(paths.users, search, users.nextCursor)}`;
}

export interface NewUserValues {
  readonly username: string;
  readonly email: string;
  readonly emailVerified: boolean;
  readonly name: string;
  readonly admin: boolean;
}

export function newUserContent(
  paths: ConsolePaths,
  csrfToken: string,
  values: NewUserValues,
  minPasswordLength: number,
): SafeHtml {
  return html`<form method="post" action="${paths.users}">${csrfField(csrfToken)}
<div class="field"><label for="username">Username</label><input id="username" name="username" type="text" value="${values.username}" maxlength="256" required autocomplete="off"></div>
<div class="field"><label for="email">Email</label><input id="email" name="email" type="email" value="${values.email}" maxlength="254"></div>
<div class="field"><label class="check"><input type="checkbox" name="email_verified" value="on"${values.emailVerified ? html` checked` : null}> The email address is verified</label></div>
<div class="field"><label for="name">Name</label><input id="name" name="name" type="text" value="${values.name}" maxlength="200"></div>
<div class="field"><label for="password">Password</label><input id="password" name="password" type="password" autocomplete="new-password" minlength="${minPasswordLength}" maxlength="1024" aria-describedby="password-hint"><p class="hint" id="password-hint">At least ${minPasswordLength} characters. Empty: the user cannot sign in with a password until one is set.</p></div>
<div class="field"><label class="check"><input type="checkbox" name="admin" value="on"${values.admin ? html` checked` : null}> Administrator (joins latchkey-admins)</label></div>
<div class="actions inline"><button type="submit" class="button primary">Create user</button></div>
</form>`;
}

export interface UserDetail {
  readonly user: UserRecord;
  readonly groups: readonly string[];
  readonly otherGroups: readonly string[];
  readonly sessions: readonly SessionRecord[];
  readonly consents: readonly (ConsentRecord & { readonly clientName: string })[];
  readonly factors: UserFactors;
}

/** Which second factors a user has (never a secret), and the reset that removes them all. */
function factorsSection(base: string, csrfToken: string, factors: UserFactors): SafeHtml {
  const { totp, recoveryCodes, passkeys } = factors;
  const app =
    totp.state === 'enrolled'
      ? html`enrolled ${when(totp.since)}`
      : totp.state === 'pending'
        ? html`not enrolled (set-up started ${when(totp.startedAt)})`
        : 'not enrolled';
  const any =
    totp.state !== 'none' || passkeys.length > 0 || recoveryCodes.remaining + recoveryCodes.used > 0;
  return html`<section aria-labelledby="factors-title"><h2 id="factors-title">Second factors</h2>
<dl class="facts">
<dt>Authenticator app</dt><dd>${app}</dd>
<dt>Recovery codes</dt><dd>${recoveryCodes.remaining} remaining, ${recoveryCodes.used} used${recoveryCodes.lastUsedAt === null ? null : html` (last ${when(recoveryCodes.lastUsedAt)})`}</dd>
</dl>
${
  passkeys.length === 0
    ? html`<p class="hint">No passkey.</p>`
    : html`<ul class="rows">${passkeys.map(
        (p) =>
          html`<li><div><strong>${p.name}</strong><span class="meta">Passkey added ${when(p.createdAt)} · ${p.lastUsedAt === null ? 'never used' : html`last used ${when(p.lastUsedAt)}`}</span></div></li>
`,
      )}</ul>`
}
${
  any
    ? html`<p class="hint">Resetting removes the authenticator app, the recovery codes and every passkey; the user is told on their account page. Needs a recent sign-in.</p>
<div class="actions inline">${buttonForm(`${base}/factors/reset`, csrfToken, 'Reset second factors', { danger: true })}</div>`
    : null
}</section>`;
}

export function userDetailContent(
  paths: ConsolePaths,
  csrfToken: string,
  detail: UserDetail,
  minPasswordLength: number,
): SafeHtml {
  const { user } = detail;
  const base = userPath(paths, user.username);
  const profile = user.profile as Readonly<Record<string, unknown>>;
  return html`<dl class="facts">
<dt>Subject (sub)</dt><dd><code>${user.id}</code></dd>
<dt>Status</dt><dd>${user.disabled ? 'disabled' : 'enabled'}</dd>
<dt>Password</dt><dd>${user.passwordHash === null ? 'none set' : html`set ${when(user.passwordChangedAt)}`}</dd>
<dt>Created</dt><dd>${when(user.createdAt)}</dd>
</dl>
<section aria-labelledby="profile-title"><h2 id="profile-title">Profile</h2>
<form method="post" action="${base}/profile">${csrfField(csrfToken)}
<div class="field"><label for="email">Email</label><input id="email" name="email" type="email" value="${user.email ?? ''}" maxlength="254"></div>
<div class="field"><label class="check"><input type="checkbox" name="email_verified" value="on"${user.emailVerified ? html` checked` : null}> The email address is verified (email_verified)</label></div>
${EDITABLE_CLAIMS.map(
  ([claim, label]) =>
    html`<div class="field"><label for="claim-${claim}">${label}</label><input id="claim-${claim}" name="${claim}" type="text" value="${typeof profile[claim] === 'string' ? (profile[claim] as string) : ''}" maxlength="2000"></div>
`,
)}<div class="actions inline"><button type="submit" class="button primary">Save profile</button></div>
</form></section>
<section aria-labelledby="groups-title"><h2 id="groups-title">Groups</h2>
${
  detail.groups.length === 0
    ? html`<p class="hint">In no group.</p>`
    : html`<ul class="rows">${detail.groups.map(
        (
          g,
        ) => html`<li><div><strong>${g}</strong></div>${buttonForm(`${base}/groups`, csrfToken, html`Remove<span class="visually-hidden"> from ${g}</span>`, { hidden: { group: g, change: 'remove' } })}</li>
`,
      )}</ul>`
}
${
  detail.otherGroups.length === 0
    ? null
    : html`<form method="post" action="${base}/groups" class="inline-form">${csrfField(csrfToken)}<input type="hidden" name="change" value="add">
<div class="field"><label for="add-group">Add to group</label><select id="add-group" name="group">${detail.otherGroups.map((g) => html`<option value="${g}">${g}</option>`)}</select></div>
<button type="submit" class="button secondary small">Add</button></form>`
}</section>
<section aria-labelledby="sessions-title"><h2 id="sessions-title">Sessions</h2>
${
  detail.sessions.length === 0
    ? html`<p class="hint">Not signed in anywhere.</p>`
    : html`<ul class="rows">${detail.sessions.map(
        (
          s,
        ) => html`<li><div><strong>Session <code>${s.sid.slice(0, 8)}…</code></strong><span class="meta">Signed in ${when(s.authTime)} with ${s.amr.join(', ') || 'unknown'} · last active ${when(s.lastSeenAt)} · ends ${when(s.expiresAt)}</span></div>${buttonForm(`${base}/sessions/end`, csrfToken, html`End<span class="visually-hidden"> the session from ${when(s.authTime)}</span>`, { hidden: { sid: s.sid } })}</li>
`,
      )}</ul>`
}</section>
<section aria-labelledby="consents-title"><h2 id="consents-title">Consents</h2>
${
  detail.consents.length === 0
    ? html`<p class="hint">No application was allowed.</p>`
    : html`<ul class="rows">${detail.consents.map(
        (
          c,
        ) => html`<li><div><strong>${c.clientName}</strong><span class="meta">${c.scopes.join(' ')}${c.claims.length === 0 ? null : html` · claims ${c.claims.join(' ')}`} · given ${when(c.grantedAt)}</span></div>${buttonForm(`${base}/consents/revoke`, csrfToken, html`Revoke<span class="visually-hidden"> ${c.clientName}</span>`, { hidden: { client_id: c.clientId } })}</li>
`,
      )}</ul>`
}</section>
${factorsSection(base, csrfToken, detail.factors)}
<section aria-labelledby="password-title"><h2 id="password-title">Reset password</h2>
<p class="hint">Needs a recent sign-in: you may be asked to sign in again first. The user's sessions are not ended; disable the user to end them.</p>
<form method="post" action="${base}/password">${csrfField(csrfToken)}
<input type="text" name="username" autocomplete="username" value="${user.username}" hidden>
<div class="field"><label for="new_password">New password</label><input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="${minPasswordLength}" maxlength="1024" required></div>
<div class="actions inline"><button type="submit" class="button primary">Reset password</button></div></form></section>
<section aria-labelledby="status-title"><h2 id="status-title">Status</h2>
<div class="actions inline">${buttonForm(`${base}/status`, csrfToken, user.disabled ? 'Enable this user' : 'Disable this user', { hidden: { disabled: user.disabled ? 'false' : 'true' }, danger: !user.disabled })}</div></section>`;
}
