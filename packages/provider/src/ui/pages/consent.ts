import { html, type SafeHtml } from '../html.js';
import { layout } from '../layout.js';
import type { Theme } from '../theme.js';
import { approvalForm } from './approval.js';

export interface ConsentPageInput {
  readonly action: string;
  readonly interaction: string;
  readonly csrfToken: string;
  readonly clientName: string;
  /** Who is signed in (username or name). */
  readonly account: string;
  /** One line per requested scope, from the scope registry (OIDC Core §3.1.2.4). */
  readonly permissions: readonly string[];
  /**
   * The host of a client nobody registered by hand (its metadata document's URL): its name is its
   * own claim, the host is the only thing vouched for, so the page puts it first.
   */
  readonly clientHost?: string;
  /** Every redirect URI is on this computer: any local program could be this client (CIMD draft §8.3). */
  readonly localhostOnly?: boolean;
  /** The RFC 8707 resources (APIs, MCP servers) the access will be for. */
  readonly resources?: readonly string[];
}

/** Consent: `decision=approve` or `decision=deny` (the exact contract of issue 4). */
export function consentPage(theme: Theme, input: ConsentPageInput): SafeHtml {
  const host =
    input.clientHost === undefined
      ? null
      : html`<p class="lead">Application at <strong class="client-host">${input.clientHost}</strong></p>
`;
  const warning = input.localhostOnly
    ? html`<p class="alert" role="alert">This application only returns to this computer (localhost). Any program on this computer could claim to be it: allow only if you started it yourself just now.</p>
`
    : null;
  const resources =
    input.resources === undefined || input.resources.length === 0
      ? null
      : html`<p class="account">For ${input.resources.map((r, i) => html`${i > 0 ? ', ' : ''}<strong>${r}</strong>`)}</p>
`;
  const content = html`${host}${warning}<p class="lead"><strong>${input.clientName}</strong> would like to:</p>
${approvalForm({ ...input, hidden: { interaction: input.interaction } }, resources)}`;
  return layout(theme, { title: 'Allow access?', content });
}
