import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import { supportContactNote } from '../support-contact.js';
import type { Theme } from '../theme.js';

export interface ErrorPageInput {
  readonly title: string;
  readonly message: string;
  /** The OAuth error code, for the developer who reads the page. */
  readonly code?: string;
  /** What to do next. Default: go back to the application and sign in again. */
  readonly advice?: string;
}

const DEFAULT_ADVICE =
  'Go back to the application and try signing in again. If this keeps happening, contact its developer.';

/**
 * A local error: shown instead of redirecting when the redirect target is not trusted (A3, A4), and
 * whenever a page a browser navigated to fails (an outage, a malformed form, an unknown address).
 */
export function errorPage(theme: Theme, input: ErrorPageInput): SafeHtml {
  const content = html`<p class="alert" role="alert">${input.message}</p>
<p>${input.advice ?? DEFAULT_ADVICE}</p>
${supportContactNote(theme, 'Need help?')}
${input.code === undefined ? null : html`<p class="error-code">Error: <code>${input.code}</code></p>`}`;
  return layout(theme, { title: input.title, content });
}
