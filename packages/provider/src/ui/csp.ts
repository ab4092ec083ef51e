/**
 * Content-Security-Policy of the server-rendered pages: nothing loads but the provider's own
 * stylesheet and the configured logo; no script at all; no framing (S5, RFC 6749 §10.13); forms post
 * only to the provider, plus the origin a form's answer redirects to (browsers apply `form-action` to
 * the redirects that follow a form submission).
 */
export interface PageCspOptions {
  readonly imageSources: readonly string[];
  /** Origins (or `scheme:` for custom schemes) a form submission may end up redirecting to. */
  readonly formTargets?: readonly string[];
  /** `sha256-…` hashes of inline scripts the page runs (the form_post page only). */
  readonly scriptHashes?: readonly string[];
  /** Whether the page loads the stylesheet. */
  readonly styles?: boolean;
  /**
   * The page loads the provider's own script files (`script-src 'self'`, never inline: passkeys, the
   * console's live audit) and may fetch from the provider (`connect-src 'self'`).
   */
  readonly ownScripts?: boolean;
}

export function pageCsp(options: PageCspOptions): string {
  const directives = [
    "default-src 'none'",
    options.styles === false ? undefined : "style-src 'self'",
    `img-src ${options.imageSources.join(' ')}`,
    options.scriptHashes?.length
      ? `script-src ${options.scriptHashes.map((h) => `'${h}'`).join(' ')}`
      : options.ownScripts === true
        ? "script-src 'self'"
        : undefined,
    options.ownScripts === true ? "connect-src 'self'" : undefined,
    `form-action 'self'${(options.formTargets ?? []).map((t) => ` ${t}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ];
  return directives.filter((d) => d !== undefined).join('; ');
}

/**
 * The CSP source for where a redirect URI lives: its origin for http(s), `scheme:` for a native app's
 * custom scheme (RFC 8252 §7.1). Characters CSP treats as separators cannot occur: redirect URIs were
 * parsed as URLs at registration.
 */
export function cspSourceFor(uri: string): string {
  const url = new URL(uri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
}
