import type { SignInContext } from '../authorization/context.js';
import { loadOnce } from '../lib/load-once.js';
import { openTotpSeed, totpUri } from '../login/factors/totp.js';
import type { RecoveryCodeSummary, UserRecord } from '../store/types.js';

/** qrcode (with pngjs, ~60 modules, ~11 MB resident) loads when someone first enrols an authenticator app. */
const qrcode = loadOnce(async () => (await import('qrcode')).default);

/** What the account page shows of the person's second factors. */
export type FactorsView =
  | { readonly state: 'none' }
  /** An enrolment waiting for its first code: the QR code (inline SVG) and the secret for manual entry. */
  | { readonly state: 'pending'; readonly qrSvg: string; readonly secret: string }
  | { readonly state: 'enrolled'; readonly since: number; readonly recovery: RecoveryCodeSummary };

export async function loadFactorsView(signIn: SignInContext, user: UserRecord): Promise<FactorsView> {
  const totp = await signIn.stores.factors.getTotp(user.id);
  if (totp === undefined) return { state: 'none' };
  if (totp.confirmedAt !== null) {
    return {
      state: 'enrolled',
      since: totp.confirmedAt,
      recovery: await signIn.stores.factors.recoveryCodes(user.id),
    };
  }
  const secret = openTotpSeed(signIn.factorSealer, user.id, totp.sealedSeed);
  const uri = await totpUri(secret, signIn.theme.productName, user.username);
  // Rendered here, server-side, as markup: no script, no image request, nothing for the CSP to allow.
  const qrSvg = await (await qrcode()).toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { state: 'pending', qrSvg, secret };
}
