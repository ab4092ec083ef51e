import { html, type SafeHtml } from './html.js';
import type { Theme } from './theme.js';

/**
 * The frame of every page: `lang`, a viewport, one heading per page (its title), the brand (logo or
 * product name), and the provider's stylesheet. Works without JavaScript; there is none.
 */
export function layout(
  theme: Theme,
  page: {
    readonly title: string;
    readonly content: SafeHtml;
    /** A wider card, for pages of several sections, code or tokens (account, landing page, demo). */
    readonly wide?: boolean | 'full';
    /** Navigation shown under the brand (the console's sections). */
    readonly nav?: SafeHtml;
    /** The provider's own script files the page runs (passkeys), deferred; the CSP must allow 'self'. */
    readonly scripts?: readonly string[];
  },
): SafeHtml {
  const brand =
    theme.logoUrl === undefined
      ? html`<span class="brand-mark" aria-hidden="true">${theme.productName.slice(0, 1).toUpperCase()}</span><span class="brand-name">${theme.productName}</span>`
      : html`<img src="${theme.logoUrl}" alt="${theme.productName}">`;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta name="robots" content="noindex">
<title>${page.title} · ${theme.productName}</title>
<link rel="stylesheet" href="${theme.stylesheetHref}">
${(page.scripts ?? []).map(
  (src) => html`<script src="${src}" defer></script>
`,
)}</head>
<body>
<main class="card${page.wide === true ? ' wide' : page.wide === 'full' ? ' full' : ''}" aria-labelledby="page-title">
<header class="brand">${brand}</header>
${page.nav ?? null}
<h1 id="page-title">${page.title}</h1>
${page.content}
</main>
</body>
</html>
`;
}
