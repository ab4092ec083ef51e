import { ASYMMETRIC_ALGORITHMS } from '@latchkey/oidc';
import type { AdminPage } from '../../admin/cursor.js';
import type { ClientRecord } from '../../store/types.js';
import { html, type SafeHtml } from '../../ui/html.js';
import { type ConsolePaths, segment } from '../paths.js';
import { buttonForm, csrfField, nextPageLink, when } from './frame.js';

export const CLIENT_NOTICES = {
  'client-updated': 'The client was saved.',
  'client-disabled': 'The client was disabled: every endpoint now treats it as unknown.',
  'client-enabled': 'The client was enabled again.',
  'client-deleted': 'The client was deleted.',
} as const;

export const clientPath = (paths: ConsolePaths, clientId: string) => `${paths.clients}/${segment(clientId)}`;

export function clientListContent(
  paths: ConsolePaths,
  clients: AdminPage<ClientRecord>,
  search: string,
): SafeHtml {
  return html`<div class="actions inline"><a class="button primary" href="${paths.newClient}">New client</a></div>
<form method="get" action="${paths.clients}" class="inline-form" role="search">
<div class="field"><label for="q">Search by the start of a name or client id</label><input id="q" name="q" type="search" value="${search}" maxlength="200"></div>
<button type="submit" class="button secondary small">Search</button>
</form>
<div class="table-wrap" tabindex="0"><table class="list">
<caption class="visually-hidden">Clients</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Client id</th><th scope="col">Type</th><th scope="col">Status</th><th scope="col">Redirect URIs</th></tr></thead>
<tbody>
${clients.items.map(
  (
    c,
  ) => html`<tr><td><a href="${clientPath(paths, c.clientId)}">${c.name}</a></td><td><code>${c.clientId}</code></td><td>${c.type}</td><td>${c.disabled ? 'disabled' : 'enabled'}</td><td>${c.redirectUris.join(' ')}</td></tr>
`,
)}</tbody></table></div>
${clients.items.length === 0 ? html`<p class="hint">No client matches.</p>` : nextPageLink(paths.clients, search, clients.nextCursor)}`;
}

/** The values a client form shows: a stored client's, or what was just submitted (after a refusal). */
export interface ClientFormValues {
  readonly name: string;
  readonly public: boolean;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly grantTypes: readonly string[];
  readonly scopes: readonly string[];
  readonly allowedResources: readonly string[];
  readonly tokenEndpointAuthMethod: string;
  readonly idTokenSignedResponseAlg: string;
  readonly jwksUri: string;
  readonly backchannelLogoutUri: string;
}

export function formValuesOf(client: ClientRecord): ClientFormValues {
  return {
    name: client.name,
    public: client.type === 'public',
    redirectUris: client.redirectUris,
    postLogoutRedirectUris: client.postLogoutRedirectUris,
    grantTypes: client.grantTypes,
    scopes: client.scopes,
    allowedResources: client.allowedResources,
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    idTokenSignedResponseAlg: client.idTokenSignedResponseAlg,
    jwksUri: client.jwksUri ?? '',
    backchannelLogoutUri: client.backchannelLogoutUri ?? '',
  };
}

export const NEW_CLIENT: ClientFormValues = {
  name: '',
  public: false,
  redirectUris: [],
  postLogoutRedirectUris: [],
  grantTypes: ['authorization_code'],
  scopes: ['openid'],
  allowedResources: [],
  tokenEndpointAuthMethod: '',
  idTokenSignedResponseAlg: 'RS256',
  jwksUri: '',
  backchannelLogoutUri: '',
};

export interface ClientFormInput {
  readonly action: string;
  readonly csrfToken: string;
  readonly values: ClientFormValues;
  /** Creating: the type can be chosen (it never changes afterwards) and the method defaults by type. */
  readonly creating: boolean;
  readonly grantTypes: readonly string[];
  readonly authMethods: readonly string[];
  readonly submit: string;
}

/** Every field an operator sets on a client (admin/clients/registration.ts checks them all). */
export function clientForm(input: ClientFormInput): SafeHtml {
  const v = input.values;
  const area = (name: string, label: string, values: readonly string[], hint: string) =>
    html`<div class="field"><label for="${name}">${label}</label><textarea id="${name}" name="${name}" rows="3" aria-describedby="${name}-hint">${values.join('\n')}</textarea><p class="hint" id="${name}-hint">${hint}</p></div>`;
  const text = (name: string, label: string, value: string, hint: string, required = false) =>
    html`<div class="field"><label for="${name}">${label}</label><input id="${name}" name="${name}" type="text" value="${value}" maxlength="2000" aria-describedby="${name}-hint"${required ? html` required` : null}><p class="hint" id="${name}-hint">${hint}</p></div>`;
  return html`<form method="post" action="${input.action}">
${csrfField(input.csrfToken)}
${text('name', 'Name', v.name, 'Shown to people on the consent page; unique.', true)}
${
  input.creating
    ? html`<div class="field"><label class="check"><input type="checkbox" name="public" value="on"${v.public ? html` checked` : null}> Public client (a native or browser app: no secret, PKCE)</label></div>`
    : html`<p class="hint">Type: <strong>${v.public ? 'public' : 'confidential'}</strong> (fixed when the client was made).</p>`
}
${area('redirect_uris', 'Redirect URIs', v.redirectUris, 'One per line; matched exactly (RFC 9700 §4.1.3).')}
${area('post_logout_redirect_uris', 'Post-logout redirect URIs', v.postLogoutRedirectUris, 'One per line.')}
<fieldset><legend>Grant types</legend>
${input.grantTypes.map(
  (
    g,
  ) => html`<label class="check"><input type="checkbox" name="grant_types" value="${g}"${v.grantTypes.includes(g) ? html` checked` : null}> <code>${g}</code></label>
`,
)}</fieldset>
${text('scopes', 'Scopes', v.scopes.join(' '), 'Separated by spaces, e.g. openid profile email.')}
${area('allowed_resources', 'Allowed resources (APIs)', v.allowedResources, 'One URL per line (RFC 8707); needed for client_credentials.')}
<div class="field"><label for="token_endpoint_auth_method">Token endpoint authentication</label><select id="token_endpoint_auth_method" name="token_endpoint_auth_method">
${input.creating ? html`<option value=""${v.tokenEndpointAuthMethod === '' ? html` selected` : null}>Default for the type</option>` : null}
${input.authMethods.map((m) => html`<option value="${m}"${m === v.tokenEndpointAuthMethod ? html` selected` : null}>${m}</option>`)}
</select></div>
<div class="field"><label for="id_token_signed_response_alg">ID token signing algorithm</label><select id="id_token_signed_response_alg" name="id_token_signed_response_alg">
${ASYMMETRIC_ALGORITHMS.map((a) => html`<option value="${a}"${a === v.idTokenSignedResponseAlg ? html` selected` : null}>${a}</option>`)}
</select></div>
${text('jwks_uri', 'JWKS URI', v.jwksUri, 'For private_key_jwt: where the client publishes its keys. Empty: none.')}
${text('backchannel_logout_uri', 'Back-channel logout URI', v.backchannelLogoutUri, 'Told when a session ends. Empty: none.')}
<div class="actions inline"><button type="submit" class="button primary">${input.submit}</button></div>
</form>`;
}

export function clientDetailContent(input: {
  readonly paths: ConsolePaths;
  readonly client: ClientRecord;
  readonly form: SafeHtml;
  readonly csrfToken: string;
  /** The console's own client: shown, not changeable here. */
  readonly builtIn: boolean;
}): SafeHtml {
  const { client, paths, csrfToken } = input;
  const base = clientPath(paths, client.clientId);
  const facts = html`<dl class="facts">
<dt>Client id</dt><dd><code>${client.clientId}</code></dd>
<dt>Status</dt><dd>${client.disabled ? 'disabled' : 'enabled'}</dd>
<dt>Created</dt><dd>${when(client.createdAt)}</dd>
<dt>Updated</dt><dd>${when(client.updatedAt)}</dd>
</dl>`;
  if (input.builtIn) {
    return html`${facts}
<p class="notice">This is the console's own client. Latchkey registers it at every start with the redirect URI <code>${client.redirectUris.join(' ')}</code>; it cannot be changed, disabled or deleted here, which would lock every administrator out.</p>`;
  }
  return html`${facts}
<section aria-labelledby="edit-title"><h2 id="edit-title">Settings</h2>${input.form}</section>
${
  client.secretHash === null
    ? null
    : html`<section aria-labelledby="secret-title"><h2 id="secret-title">Secret</h2>
<p class="hint">A new secret is shown once, on the next page; only its hash is kept.${client.previousSecret === null ? null : html` The previous secret works until ${when(client.previousSecret.expiresAt)}.`}</p>
<form method="post" action="${base}/secret" class="inline-form">${csrfField(csrfToken)}
<div class="field"><label for="keep_old_for">The old secret keeps working for</label><select id="keep_old_for" name="keep_old_for">
<option value="0">no time: it stops now (it leaked)</option><option value="3600">1 hour</option><option value="86400">1 day</option><option value="604800">7 days</option>
</select></div>
<button type="submit" class="button primary small">Rotate the secret</button></form></section>`
}
<section aria-labelledby="status-title"><h2 id="status-title">Status and deletion</h2>
<div class="actions inline">
${buttonForm(`${base}/status`, csrfToken, client.disabled ? 'Enable this client' : 'Disable this client', { hidden: { disabled: client.disabled ? 'false' : 'true' } })}
<a class="button danger small" href="${base}/delete">Delete this client…</a>
</div></section>`;
}

/** The answer to creating a client or rotating its secret: the only time the secret is shown. */
export function secretContent(paths: ConsolePaths, client: ClientRecord, secret: string | null): SafeHtml {
  return html`<dl class="facts"><dt>Client id</dt><dd><code>${client.clientId}</code></dd></dl>
${
  secret === null
    ? html`<p>This client has no secret (it authenticates with <code>${client.tokenEndpointAuthMethod}</code>).</p>`
    : html`<h2 id="secret-title">Client secret</h2>
<p class="alert" role="alert">Copy the secret now: it is shown only this once. Only its hash is kept, so it cannot be shown again (rotate it to get a new one).</p>
<pre class="wrap secret" tabindex="0" aria-labelledby="secret-title"><code>${secret}</code></pre>`
}
<div class="actions inline"><a class="button secondary" href="${clientPath(paths, client.clientId)}">Back to ${client.name}</a></div>`;
}

export function deleteClientContent(paths: ConsolePaths, client: ClientRecord, csrfToken: string): SafeHtml {
  const base = clientPath(paths, client.clientId);
  return html`<p class="alert" role="alert">Delete the client <strong>${client.name}</strong> (<code>${client.clientId}</code>)? Applications using it can no longer sign anyone in or get tokens. This cannot be undone; disabling keeps it for later.</p>
<p class="hint">You may be asked to sign in again first: deleting a client needs a recent sign-in.</p>
<form method="post" action="${base}/delete">${csrfField(csrfToken)}<input type="hidden" name="confirm" value="${client.clientId}">
<div class="actions inline"><button type="submit" class="button danger">Delete ${client.name}</button><a class="button secondary" href="${base}">Keep it</a></div></form>`;
}
