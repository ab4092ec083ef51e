import { html, type SafeHtml } from '../ui/html.js';
import { layout } from '../ui/layout.js';
import type { Theme } from '../ui/theme.js';
import { DEMO_CLIENT_ID, DEMO_SCOPES } from './client.js';
import type { DemoTokens, TokenReport } from './verify.js';

/** The landing page's "Try a sign-in" section; with no user yet, the command that makes one first. */
export function tryItSection(input: { readonly startUrl: string; readonly hasUsers: boolean }): SafeHtml {
  const createUser = input.hasUsers
    ? null
    : html`<p>There is no user yet. Create one in a terminal, in the folder you started Latchkey from, then come back:</p>
<pre class="wrap" tabindex="0"><code>echo 'a long passphrase of your own' | npx latchkey user create --username alice --email alice@example.com --password-stdin</code></pre>`;
  return html`<h2>Try a sign-in</h2>
<p>A demo application (client <code>${DEMO_CLIENT_ID}</code>) sends you through the sign-in and consent pages with the authorization code flow, PKCE, <code>state</code> and <code>nonce</code>, then shows the ID token and access token it received, each verified against the published keys.</p>
${createUser}<div class="actions">
<a class="button primary" href="${input.startUrl}">Try a sign-in</a>
</div>`;
}

export interface ResultPageInput {
  readonly issuer: string;
  readonly homeUrl: string;
  readonly startUrl: string;
  readonly redirectUri: string;
  readonly tokens: DemoTokens;
}

/** After the callback: both tokens decoded, the checks that passed, and how a developer does the same. */
export function resultPage(theme: Theme, input: ResultPageInput): SafeHtml {
  const { tokens, issuer } = input;
  const content = html`<p class="lead">The demo application received these tokens from <strong>${issuer}</strong> and verified each with <code>@latchkey/oidc</code> against the live JWKS.</p>
${tokenSection('ID token', 'id-token', 'Who signed in, for the application (never sent to an API).', tokens.idToken)}
${tokenSection('Access token', 'access-token', 'What the application sends to an API, which checks it on its own.', tokens.accessToken)}
<section aria-labelledby="yourself">
<h2 id="yourself">Do the same yourself</h2>
${snippets(input)}
</section>
<div class="actions">
<a class="button primary" href="${input.startUrl}">Sign in again</a>
<a class="button secondary" href="${input.homeUrl}">Back to the start page</a>
</div>`;
  return layout(theme, { title: 'Signed in: the tokens', content, wide: true });
}

function tokenSection(title: string, id: string, purpose: string, report: TokenReport): SafeHtml {
  return html`<section aria-labelledby="${id}">
<h2 id="${id}">${title}</h2>
<p>${purpose}</p>
<h3>Checks that passed</h3>
<ul class="checks">
${report.checks.map(
  (check) => html`<li><strong>${check.name}</strong> <span>${check.detail}</span></li>
`,
)}</ul>
<h3>Header</h3>
<pre tabindex="0"><code>${json(report.header)}</code></pre>
<h3>Claims</h3>
<pre tabindex="0"><code>${json(report.claims)}</code></pre>
<h3>Encoded</h3>
<pre class="wrap" tabindex="0"><code>${report.token}</code></pre>
</section>`;
}

function snippets(input: ResultPageInput): SafeHtml {
  const { issuer, tokens } = input;
  const scopes = DEMO_SCOPES.filter((s) => s !== 'openid').map((s) => `'${s}'`);
  const curl = `ACCESS_TOKEN='${tokens.accessToken.token}'
curl -H "Authorization: Bearer $ACCESS_TOKEN" ${issuer}/userinfo`;
  const cli = `npx latchkey jwt verify --issuer ${issuer} --audience ${tokens.accessTokenAudience} --typ at+jwt "$ACCESS_TOKEN"`;
  const api = `import { createVerifier } from '@latchkey/oidc';

const verifier = createVerifier({
  issuer: '${issuer}',
  audience: '${tokens.accessTokenAudience}',
  typ: 'at+jwt',
});

// Signature (keys from ${tokens.jwksUri}), iss, aud, exp and typ; throws a JoseError otherwise.
const claims = await verifier.verify(accessToken);`;
  const app = `import { createOidcClient } from '@latchkey/oidc';

const client = createOidcClient({
  issuer: '${issuer}',
  clientId: '${DEMO_CLIENT_ID}',
  redirectUri: '${input.redirectUri}',
  scopes: [${scopes.join(', ')}],
});

// 1. Sign-in: keep state, nonce and codeVerifier for this browser, send it to url.
const { url, ...pending } = await client.startAuthorization();

// 2. Callback: checks state and iss, exchanges the code, verifies the ID token.
const { idToken, accessToken, claims } = await client.handleCallback(callbackUrl.searchParams, pending);`;
  const exchange = `curl ${issuer}/token \\
  -d grant_type=authorization_code \\
  -d client_id=${DEMO_CLIENT_ID} \\
  -d redirect_uri=${input.redirectUri} \\
  -d code="$CODE" \\
  -d code_verifier="$CODE_VERIFIER"`;
  return html`<h3>Call the UserInfo API with the access token</h3>
<pre class="wrap" tabindex="0"><code>${curl}</code></pre>
<h3>Verify it from the command line</h3>
<pre class="wrap" tabindex="0"><code>${cli}</code></pre>
<h3>Verify it in your API (TypeScript)</h3>
<pre tabindex="0"><code>${api}</code></pre>
<h3>Sign people in from your application</h3>
<pre tabindex="0"><code>${app}</code></pre>
<h3>The code exchange the demo made</h3>
<pre tabindex="0"><code>${exchange}</code></pre>`;
}

function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}
