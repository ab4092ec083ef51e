import { formatSettingValue, type SettingsView } from '@latchkey/provider';
import type { CommandIo } from '../../lib/io.js';
import { println } from '../../lib/io.js';
import { isoTime, printJson, printTable } from '../../lib/output.js';

/** The settings as `show`, `set` and `reset` print them: a table, or JSON with --json. */
export function printSettings(io: CommandIo, view: SettingsView, json: boolean): void {
  if (json) {
    printJson(io.stdout, {
      revision: view.revision,
      settings: view.settings.map((s) => ({
        name: s.name,
        kind: s.kind,
        description: s.description,
        // An optional setting left unset is null (JSON has no undefined).
        value: s.value ?? null,
        configured: s.configured ?? null,
        source: s.source,
        changed_at: s.override?.updatedAt ?? null,
        changed_by: s.override?.actor ?? null,
      })),
      ignored: view.ignored,
    });
    return;
  }
  printTable(
    io.stdout,
    ['SETTING', 'VALUE', 'SOURCE', 'CONFIGURED', 'CHANGED'],
    view.settings.map((s) => [
      s.name,
      formatSettingValue(s.kind, s.value) || '-',
      s.source,
      formatSettingValue(s.kind, s.configured) || '-',
      s.override === undefined
        ? '-'
        : `${isoTime(s.override.updatedAt)} by ${s.override.actor.type}:${s.override.actor.id}`,
    ]),
    'No runtime settings.',
  );
  for (const { name, problem } of view.ignored)
    println(io.stderr, `latchkey: the stored value of ${name} is ignored: it ${problem}`);
}

/** Said after a change: the running instances apply it within their reload interval. */
export function printPropagation(io: CommandIo, seconds: number): void {
  println(io.stderr, `Running instances apply the change within ${seconds}s.`);
}
