import { html, type SafeHtml } from './html.js';
import type { Theme } from './theme.js';

/**
 * "<lead> Contact <a>support@example.com</a>." on the pages a person may get stuck on (errors, sign-in),
 * from the runtime setting `ui.supportContact`, read at each page; nothing when none is set. An address
 * becomes a mailto link; anything else is an https URL (config/parsers.ts supportContactProblem allows
 * nothing more).
 */
export function supportContactNote(theme: Pick<Theme, 'supportContact'>, lead: string): SafeHtml | null {
  const contact = theme.supportContact;
  if (contact === undefined || contact === '') return null;
  const href = contact.includes('://') ? contact : `mailto:${contact}`;
  return html`<p class="support">${lead} Contact <a href="${href}">${contact}</a>.</p>`;
}
