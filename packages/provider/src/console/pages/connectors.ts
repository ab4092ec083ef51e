import type { ConnectorSummary } from '../../admin/connectors/connectors.js';
import type { JitMode } from '../../connectors/connector.js';
import type { ConnectorFact } from '../../connectors/facts.js';
import { html, type SafeHtml } from '../../ui/html.js';

const JIT_WORDS: Readonly<Record<JitMode, string>> = {
  create: 'create a user at the first sign-in',
  'link-only': 'link only: a first sign-in is refused until the person links it on their account page',
  deny: 'deny anyone not linked yet',
};

function fact(f: ConnectorFact): SafeHtml {
  return html`<dt>${f.label}</dt><dd>${f.code === true ? html`<code>${f.value}</code>` : f.value}</dd>`;
}

/** `a → b` pairs of a mapping, or "none". */
function mapping(map: Readonly<Record<string, string>>, arrow: string): SafeHtml | string {
  const pairs = Object.entries(map);
  if (pairs.length === 0) return 'none';
  return html`<ul class="links">${pairs.map(
    ([from, to]) => html`<li><code>${from}</code> ${arrow} <code>${to}</code></li>`,
  )}</ul>`;
}

function connectorSection(c: ConnectorSummary): SafeHtml {
  const title = `connector-${c.id}`;
  return html`<section aria-labelledby="${title}"><h2 id="${title}">${c.displayName}</h2>
<dl class="facts">
<dt>Id</dt><dd><code>${c.id}</code></dd>
<dt>Type</dt><dd>${c.type}</dd>
<dt>Linked identities</dt><dd>${c.linkedIdentities}</dd>
<dt>First sign-in</dt><dd>${JIT_WORDS[c.jit]}</dd>
${c.facts.map(fact)}
<dt>Claims</dt><dd>${mapping(c.claims, 'from upstream')}</dd>
<dt>Group claim</dt><dd>${c.groups.claim === undefined ? 'none' : html`<code>${c.groups.claim}</code>`}</dd>
<dt>Groups</dt><dd>${mapping(c.groups.map, 'becomes')}</dd>
<dt>Allowed email domains</dt><dd>${c.allowedEmailDomains.length === 0 ? 'any' : c.allowedEmailDomains.join(', ')}</dd>
</dl></section>`;
}

/** Read-only: connectors live in the configuration file; secrets are shown as a mask, never their value. */
export function connectorsContent(connectors: readonly ConnectorSummary[]): SafeHtml {
  return html`<p class="hint">Connectors let people sign in through another identity provider or a directory. They are set in the configuration file (<code>connectors</code>) and change with a restart; secrets are never shown here.</p>
${connectors.length === 0 ? html`<p role="status">No connectors are configured.</p>` : connectors.map(connectorSection)}`;
}
