import type { SettingsView, SettingView } from '../../admin/settings/settings.js';
import { formatSettingValue } from '../../settings/format.js';
import { runtimeSetting } from '../../settings/table.js';
import { html, type SafeHtml } from '../../ui/html.js';
import type { ConsolePaths } from '../paths.js';
import { buttonForm, csrfField, when } from './frame.js';

export const SETTINGS_NOTICES = {
  'settings-saved': 'The settings were saved. This instance applies them now; the others within seconds.',
  'settings-unchanged': 'Nothing was changed: every value was already in effect.',
  'setting-reset': 'The override was removed: the configured value applies again.',
} as const;

/** The field a setting is edited in (`tokens.accessTokenLifetime` → `s-tokens-accessTokenLifetime`). */
const fieldId = (name: string) => `s-${name.replaceAll('.', '-')}`;

/**
 * The settings page: one form with every runtime setting (its value as configuration writes it) and
 * where the value comes from; then a reset button for each override. `entered` keeps what the admin
 * typed when a change was refused.
 */
export function settingsContent(
  paths: ConsolePaths,
  csrfToken: string,
  view: SettingsView,
  entered: ReadonlyMap<string, string> = new Map(),
): SafeHtml {
  const overrides = view.settings.filter((s) => s.source === 'override');
  return html`<p class="hint">These settings apply to every instance of this provider: the one you use at once, the others within seconds. Everything else is configuration, changed in the configuration file or environment and a restart.</p>
<form method="post" action="${paths.settings}">${csrfField(csrfToken)}<input type="hidden" name="revision" value="${String(view.revision)}">
${view.settings.map((s) => settingField(s, entered.get(s.name)))}
<button type="submit" class="button primary">Save changes</button></form>
${view.ignored.map((i) => html`<p class="alert" role="alert">The stored value of <code>${i.name}</code> is not applied: it ${i.problem}.</p>`)}
<h2>Overrides</h2>
${
  overrides.length === 0
    ? html`<p>None: every setting has its configured value.</p>`
    : html`<div class="table-wrap" tabindex="0"><table class="list">
<caption class="visually-hidden">Overridden settings</caption>
<thead><tr><th scope="col">Setting</th><th scope="col">Value</th><th scope="col">Configured</th><th scope="col">Changed</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
<tbody>
${overrides.map(
  (s) =>
    html`<tr><td><code>${s.name}</code></td><td>${formatSettingValue(s.kind, s.value)}</td><td>${formatSettingValue(s.kind, s.configured)}</td><td>${s.override?.actor.type} ${s.override?.actor.id}, ${when(s.override?.updatedAt)}</td><td>${buttonForm(
      `${paths.settings}/reset`,
      csrfToken,
      html`Reset<span class="visually-hidden"> ${s.name} to its configured value</span>`,
      { hidden: { name: s.name, revision: String(view.revision) } },
    )}</td></tr>
`,
)}</tbody></table></div>`
}`;
}

function settingField(s: SettingView, entered: string | undefined): SafeHtml {
  const id = fieldId(s.name);
  const value = entered ?? formatSettingValue(s.kind, s.value);
  const origin =
    s.override === undefined
      ? html`From configuration.`
      : html`Changed by ${s.override.actor.type} ${s.override.actor.id}, ${when(s.override.updatedAt)}; configured: ${formatSettingValue(s.kind, s.configured)}.`;
  const hint = html`<p class="hint" id="${id}-hint">${s.description}${s.kind === 'duration' ? ' (e.g. 90s, 15m, 12h, 30d)' : null}. ${origin}</p>`;
  const label = html`<label for="${id}"><code>${s.name}</code></label>`;
  if (s.kind === 'boolean') {
    return html`<div class="field">${label}<select id="${id}" name="${s.name}" aria-describedby="${id}-hint">
<option value="true"${value === 'true' ? html` selected` : null}>on</option>
<option value="false"${value === 'false' ? html` selected` : null}>off</option>
</select>${hint}</div>
`;
  }
  const { maxLength, emptyAllowed } = textInputOf(s.name);
  return html`<div class="field">${label}<input id="${id}" name="${s.name}" type="text"${s.kind === 'integer' ? html` inputmode="numeric"` : null} value="${value}" maxlength="${String(maxLength)}"${emptyAllowed ? null : html` required`} aria-describedby="${id}-hint">${hint}</div>
`;
}

/** What the field's input allows, from the setting's own check: its longest value, and whether empty is one. */
function textInputOf(name: string): { maxLength: number; emptyAllowed: boolean } {
  const field = runtimeSetting(name)?.field;
  return {
    maxLength: (field?.schema as { maxLength?: number } | undefined)?.maxLength ?? 20,
    emptyAllowed: field?.check('').ok === true,
  };
}
