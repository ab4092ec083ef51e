import { html, SafeHtml } from '../../ui/html.js';
import { layout } from '../../ui/layout.js';
import type { Theme } from '../../ui/theme.js';
import type { ConsolePaths } from '../paths.js';

export type ConsoleSection =
  | 'overview'
  | 'clients'
  | 'users'
  | 'groups'
  | 'keys'
  | 'connectors'
  | 'settings'
  | 'audit';

export interface FrameInput {
  readonly title: string;
  readonly section: ConsoleSection;
  readonly content: SafeHtml;
  readonly paths: ConsolePaths;
  readonly csrfToken: string;
  readonly username: string;
  /** A fixed notice after an action (PRG), never text from the URL. */
  readonly notice?: string | undefined;
  /** A refusal of the last action, shown as an alert. */
  readonly error?: string | undefined;
}

const SECTIONS: readonly (readonly [ConsoleSection, keyof ConsolePaths, string])[] = [
  ['overview', 'overview', 'Overview'],
  ['clients', 'clients', 'Clients'],
  ['users', 'users', 'Users'],
  ['groups', 'groups', 'Groups'],
  ['keys', 'keys', 'Signing keys'],
  ['connectors', 'connectors', 'Connectors'],
  ['settings', 'settings', 'Settings'],
  ['audit', 'audit', 'Audit'],
];

/** Every console page: the sign-in pages' frame, full width, with the sections and a sign-out button. */
export function consolePage(theme: Theme, input: FrameInput): SafeHtml {
  const nav = html`<nav class="console-nav" aria-label="Console">
${SECTIONS.map(
  ([section, path, label]) =>
    html`<a href="${input.paths[path]}"${section === input.section ? html` aria-current="page"` : null}>${label}</a>
`,
)}<form method="post" action="${input.paths.signOut}">${csrfField(input.csrfToken)}<button type="submit" class="button secondary small">Sign out<span class="visually-hidden"> ${input.username}</span></button></form>
</nav>`;
  const content = html`${input.notice === undefined ? null : html`<p class="notice" role="status">${input.notice}</p>`}
${input.error === undefined ? null : html`<p class="alert" role="alert">${input.error}</p>`}
${input.content}`;
  return layout(theme, { title: input.title, content, wide: 'full', nav });
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="csrf_token" value="${token}">`;
}

/** A Unix time as `2026-12-07 11:14 UTC`, inside a machine-readable <time>. */
export function when(at: number | null | undefined): SafeHtml {
  if (at === null || at === undefined) return html`never`;
  const iso = new Date(at * 1000).toISOString();
  // Digits, '-', ':', 'T', '.' and 'Z' only: nothing to escape, so no template (a list page has 200).
  return new SafeHtml(`<time datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC</time>`);
}

/** A one-button form posting to `action` (disable, end a session, revoke…). */
export function buttonForm(
  action: string,
  csrfToken: string,
  label: SafeHtml | string,
  options: { readonly hidden?: Readonly<Record<string, string>>; readonly danger?: boolean } = {},
): SafeHtml {
  return html`<form method="post" action="${action}">${csrfField(csrfToken)}${Object.entries(
    options.hidden ?? {},
  ).map(
    ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`,
  )}<button type="submit" class="button ${options.danger === true ? 'danger' : 'secondary'} small">${label}</button></form>`;
}

/**
 * The most rows a list page shows. A list is read a page at a time from the store (keyset pages, as the
 * admin API's), so a page costs the same with 10 users as with 100,000 (issue 15: p50 ≤ 5 ms).
 */
export const LIST_LIMIT = 200;

/** The link to the page after this one (the same search, the store's cursor), when there is one. */
export function nextPageLink(path: string, search: string, nextCursor: string | null): SafeHtml | null {
  if (nextCursor === null) return null;
  const query = new URLSearchParams({ ...(search === '' ? {} : { q: search }), cursor: nextCursor });
  return html`<p class="actions inline"><a class="button secondary small" href="${path}?${query.toString()}" rel="next">Next page</a></p>`;
}
