import { html, type SafeHtml } from '../ui/html.js';

/** A Unix time as `2026-12-07 11:14 UTC`, inside a machine-readable <time>. */
export function when(at: number): SafeHtml {
  const iso = new Date(at * 1000).toISOString();
  return html`<time datetime="${iso}">${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC</time>`;
}
