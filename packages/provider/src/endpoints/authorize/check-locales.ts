import { InvalidRequest } from '../../errors/index.js';
import type { RequestParams } from '../../lib/request-params.js';

/** BCP 47 tags, loosely: letters, digits and hyphens (RFC 5646 §2.1). */
const TAG = /^[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*$/;
const MAX_TAGS = 10;

/**
 * OIDC Core §3.1.2.1 `ui_locales` and §5.2 `claims_locales`: space-separated language tags in order of
 * preference. Recorded; the pages are in English only for now, which the spec allows ("an error SHOULD
 * NOT result if some or all of the requested locales are not supported").
 */
export function checkLocales(params: RequestParams, name: 'ui_locales' | 'claims_locales'): string[] {
  const tags = params.list(name);
  if (tags.length > MAX_TAGS || tags.some((t) => !TAG.test(t))) {
    throw new InvalidRequest(`The ${name} must be up to ${MAX_TAGS} language tags`);
  }
  return tags;
}
