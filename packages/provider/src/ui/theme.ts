import { createHash } from 'node:crypto';
import type { UiConfig } from '../config/types.js';
import { buildStylesheet } from './stylesheet.js';

/** Where the stylesheet is served, relative to the issuer's path. */
export const STYLESHEET_PATH = '/assets/latchkey.css';

/** Everything a page needs to look like the operator's: built once per app from `config.ui`. */
export interface Theme {
  readonly productName: string;
  readonly logoUrl: string | undefined;
  readonly css: string;
  /** The stylesheet URL path, versioned by content so it can be cached. */
  readonly stylesheetHref: string;
  /** `img-src` sources of the pages' CSP: 'self' and the logo's origin. */
  readonly imageSources: readonly string[];
}

export function createTheme(ui: UiConfig, basePath: string): Theme {
  const css = buildStylesheet(ui);
  const version = createHash('sha256').update(css).digest('base64url').slice(0, 12);
  return {
    // A runtime setting (settings/): read from the live section at each page.
    get productName() {
      return ui.productName;
    },
    logoUrl: ui.logoUrl,
    css,
    stylesheetHref: `${basePath}${STYLESHEET_PATH}?v=${version}`,
    imageSources: ui.logoUrl === undefined ? ["'self'"] : ["'self'", new URL(ui.logoUrl).origin],
  };
}
