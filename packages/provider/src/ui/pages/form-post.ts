import { createHash } from 'node:crypto';
import { html, SafeHtml } from '../html.js';

/** The only script the provider ever serves; allowed by its hash in the page's CSP. */
const AUTO_SUBMIT = 'document.forms[0].submit();';
export const FORM_POST_SCRIPT_HASH = `sha256-${createHash('sha256').update(AUTO_SUBMIT).digest('base64')}`;

/**
 * OAuth 2.0 Form Post Response Mode §2: an HTML form that posts the response parameters to the
 * redirect URI and submits itself; without JavaScript a button does it.
 */
export function formPostPage(target: string, params: Readonly<Record<string, string>>): SafeHtml {
  return html`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Signing in…</title></head>
<body>
<form method="post" action="${target}">
${Object.entries(params).map(
  ([name, value]) => html`<input type="hidden" name="${name}" value="${value}">
`,
)}<noscript><button type="submit">Continue</button></noscript>
</form>
<script>${new SafeHtml(AUTO_SUBMIT)}</script>
</body>
</html>
`;
}
