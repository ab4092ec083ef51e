import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { Theme } from '../theme.js';

export interface ErrorPageInput {
  readonly title: string;
  readonly message: string;
  /** The OAuth error code, for the developer who reads the page. */
  readonly code?: string;
}

/** A local error: shown instead of redirecting when the redirect target is not trusted (A3, A4). */
export function errorPage(theme: Theme, input: ErrorPageInput): SafeHtml {
  const content = html`<p class="alert" role="alert">${input.message}</p>
<p>Go back to the application and try signing in again. If this keeps happening, contact its developer.</p>
${input.code === undefined ? null : html`<p class="error-code">Error: <code>${input.code}</code></p>`}`;
  return layout(theme, { title: input.title, content });
}
