import type { RequestParams } from '../../lib/request-params.js';

/** Connector ids are at most 40 characters of a-z 0-9 _ - (connectors/parse-config.ts). */
const CONNECTOR_ID = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/**
 * `idp_hint` (Latchkey's, after Keycloak's `kc_idp_hint`; docs/federation.md): the id of a connector, so a
 * relying party can send its users straight to that upstream instead of the choice on the sign-in page.
 * A hint: anything that is not a connector id is ignored, and the sign-in page is shown.
 */
export function checkIdpHint(params: RequestParams): string | undefined {
  const hint = params.get('idp_hint');
  return hint !== undefined && CONNECTOR_ID.test(hint) ? hint : undefined;
}
