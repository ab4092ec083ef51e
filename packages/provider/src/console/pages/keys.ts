import type { KeyInfo } from '../../keys/key-manager.js';
import { html, type SafeHtml } from '../../ui/html.js';
import type { ConsolePaths } from '../paths.js';
import { csrfField, when } from './frame.js';

export const KEY_NOTICES = {
  rotated:
    'Rotated: the next key signs now and a new next key is published. Other instances follow within their reload interval.',
} as const;

const NEXT_EVENT: Readonly<Record<string, string>> = {
  next: 'may start signing',
  current: 'due to rotate',
  retired: 'leaves the JWKS',
  removed: '',
};

export function keyTable(keys: readonly KeyInfo[]): SafeHtml {
  return html`<div class="table-wrap" tabindex="0"><table class="list">
<caption class="visually-hidden">Signing keys</caption>
<thead><tr><th scope="col">Key id</th><th scope="col">Algorithm</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Signing since</th><th scope="col">Next event</th></tr></thead>
<tbody>
${keys.map(
  (
    k,
  ) => html`<tr><td><code>${k.kid}</code></td><td>${k.alg}</td><td><strong>${k.state}</strong></td><td>${when(k.createdAt)}</td><td>${k.activatedAt === null ? '—' : when(k.activatedAt)}</td><td>${k.nextEventAt === null ? '—' : html`${NEXT_EVENT[k.state] ?? ''} ${when(k.nextEventAt)}`}</td></tr>
`,
)}</tbody></table></div>`;
}

export function keysContent(input: {
  readonly paths: ConsolePaths;
  readonly csrfToken: string;
  readonly keys: readonly KeyInfo[] | undefined;
  readonly jwks: string;
  readonly jwksMaxAge: number;
}): SafeHtml {
  return html`<p class="hint">Each algorithm has a <strong>next</strong> key (published, not yet signing), a <strong>current</strong> key (signing) and <strong>retired</strong> keys (published until every token they signed has expired).</p>
${input.keys === undefined ? html`<p class="alert" role="alert">This instance cannot list or rotate keys.</p>` : keyTable(input.keys)}
<section aria-labelledby="rotate-title"><h2 id="rotate-title">Rotate now</h2>
<p>Rotating makes the published next key sign, and publishes a new next key. <strong>The pre-publication guard:</strong> a key must be in the JWKS for at least one JWKS cache lifetime (${input.jwksMaxAge} s, plus the reload interval) before it signs, so every verifier's cached key set already contains it. Until then rotation is refused, and says when it may run.</p>
<p class="hint">Forcing it past the guard is for emergencies (a leaked key): tokens the new key signs fail at verifiers with a stale cache until it expires. Rotation needs a recent sign-in: you may be asked to sign in again first.</p>
<form method="post" action="${input.paths.rotateKeys}">${csrfField(input.csrfToken)}
<div class="field"><label class="check"><input type="checkbox" name="ignore_publication_delay" value="on"> Emergency: ignore the publication delay</label></div>
<div class="actions inline"><button type="submit" class="button primary">Rotate signing keys</button></div></form></section>
<section aria-labelledby="jwks-title"><h2 id="jwks-title">Published JWKS</h2>
<pre tabindex="0" aria-labelledby="jwks-title"><code>${input.jwks}</code></pre></section>`;
}
