import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { Theme } from '../theme.js';

export interface HomePageInput {
  readonly issuer: string;
  readonly discoveryUrl: string;
  readonly jwksUrl: string;
  /** A development issuer gets the explanation and the links a developer wants; a deployment stays minimal. */
  readonly development: boolean;
  /** Shown below the explanation on a development issuer (the demo's "Try a sign-in"). */
  readonly extra?: SafeHtml | null;
  /** The admin console's address, linked on a development issuer. */
  readonly consoleUrl?: string;
}

/** `GET /`: what a person who types the provider's address sees, instead of a JSON 404. */
export function homePage(theme: Theme, input: HomePageInput): SafeHtml {
  if (!input.development) {
    const content = html`<p class="lead">This is the sign-in service of ${theme.productName}. Applications send you here when you sign in; there is nothing to do on this page.</p>`;
    return layout(theme, { title: 'Sign-in service', content });
  }
  const content = html`<p class="lead">An OpenID Provider is running at <strong>${input.issuer}</strong>, on a development issuer (plain http on this computer).</p>
<p>Applications sign people in here and receive signed tokens; any API checks those tokens on its own with the published keys.</p>
<ul class="links">
<li>Discovery document: <a href="${input.discoveryUrl}">${input.discoveryUrl}</a></li>
<li>Published signing keys (JWKS): <a href="${input.jwksUrl}">${input.jwksUrl}</a></li>
${input.consoleUrl === undefined ? null : html`<li>Admin console: <a href="${input.consoleUrl}">${input.consoleUrl}</a> (for members of <code>latchkey-admins</code>: <code>npx latchkey admin create --username …</code> makes one)</li>`}
<li>Documentation: <code>README.md</code> and the <code>docs/</code> folder of the repository (configuration, deployment, the gateway)</li>
</ul>
${input.extra ?? null}`;
  return layout(theme, { title: 'Latchkey is running', content, wide: true });
}
