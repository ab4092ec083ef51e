import { ADMIN_GROUP } from '../../admin/groups/groups.js';
import { html, type SafeHtml } from '../../ui/html.js';
import { type ConsolePaths, segment } from '../paths.js';
import { buttonForm, csrfField } from './frame.js';
import { userPath } from './users.js';

export const GROUP_NOTICES = {
  'group-created': 'The group was created.',
  'group-deleted': 'The group was deleted; its members left it.',
} as const;

export function groupsContent(
  paths: ConsolePaths,
  csrfToken: string,
  groups: readonly { readonly name: string; readonly members: readonly string[] }[],
  values: { readonly name: string } = { name: '' },
): SafeHtml {
  return html`<p class="hint">Groups are released to applications in the <code>groups</code> claim. Members of <code>${ADMIN_GROUP}</code> may use this console.</p>
<form method="post" action="${paths.groups}" class="inline-form">${csrfField(csrfToken)}
<div class="field"><label for="group-name">New group</label><input id="group-name" name="name" type="text" value="${values.name}" maxlength="64" required aria-describedby="group-name-hint"></div>
<button type="submit" class="button primary small">Create group</button></form>
<p class="hint" id="group-name-hint">1 to 64 lower-case letters, digits or . _ : -</p>
<div class="table-wrap" tabindex="0"><table class="list">
<caption class="visually-hidden">Groups</caption>
<thead><tr><th scope="col">Group</th><th scope="col">Members</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${groups.map(
  (
    g,
  ) => html`<tr><td><strong>${g.name}</strong></td><td>${g.members.length === 0 ? 'none' : g.members.map((m, i) => html`${i === 0 ? null : ', '}<a href="${userPath(paths, m)}">${m}</a>`)}</td><td>${
    g.name === ADMIN_GROUP
      ? null
      : buttonForm(
          `${paths.groups}/${segment(g.name)}/delete`,
          csrfToken,
          html`Delete<span class="visually-hidden"> ${g.name}</span>`,
          { danger: true },
        )
  }</td></tr>
`,
)}</tbody></table></div>`;
}
