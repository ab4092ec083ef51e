import type { RuntimeSettingKind } from './table.js';

const UNITS = [
  ['d', 86_400],
  ['h', 3600],
  ['m', 60],
] as const;

/**
 * A setting's value as an operator writes it in configuration (`10m`, `true`, `12`), for the CLI and
 * the console: a duration in the largest unit that divides it, so what is shown can be typed back.
 */
export function formatSettingValue(kind: RuntimeSettingKind, value: unknown): string {
  // An optional setting left unset (ui.supportContact) is an empty field.
  if (value === undefined) return '';
  if (kind !== 'duration' || typeof value !== 'number') return String(value);
  const unit = UNITS.find(([, seconds]) => value !== 0 && value % seconds === 0);
  return unit === undefined ? `${value}s` : `${value / unit[1]}${unit[0]}`;
}
