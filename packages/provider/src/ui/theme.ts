import { createHash } from 'node:crypto';
import type { UiConfig } from '../config/types.js';
import { buildStylesheet } from './stylesheet.js';

/** Where the stylesheet is served, relative to the issuer's path. */
export const STYLESHEET_PATH = '/assets/latchkey.css';

/** Everything a page needs to look like the operator's: built once per app from `config.ui`. */
export interface Theme {
  readonly productName: string;
  /** Whom a stuck person contacts (an email address or a URL); undefined or empty for none. */
  readonly supportContact: string | undefined;
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
    // Runtime settings (settings/): read from the live section at each page.
    get productName() {
      return ui.productName;
    },
    get supportContact() {
      return ui.supportContact;
    },
    logoUrl: ui.logoUrl,
    css,
    stylesheetHref: `${basePath}${STYLESHEET_PATH}?v=${version}`,
    imageSources: ui.logoUrl === undefined ? ["'self'"] : ["'self'", new URL(ui.logoUrl).origin],
  };
}

/**
 * The theme with more image origins (the sign-in pages' connector logos). Its runtime settings are
 * read through the original at each page, never copied: the one place that lists them.
 */
export function withImageSources(theme: Theme, origins: readonly string[]): Theme {
  return {
    get productName() {
      return theme.productName;
    },
    get supportContact() {
      return theme.supportContact;
    },
    logoUrl: theme.logoUrl,
    css: theme.css,
    stylesheetHref: theme.stylesheetHref,
    imageSources: [...new Set([...theme.imageSources, ...origins])],
  };
}
