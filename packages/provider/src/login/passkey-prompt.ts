import type { SignInContext } from '../authorization/context.js';
import { PASSKEYS_SCRIPT_PATH, WEBAUTHN_BROWSER_PATH } from '../ui/scripts.js';
import { DISCOVERABLE, passkeyRequest } from './factors/passkey.js';

/** What a second-factor page needs to offer the person's passkeys; undefined when they have none. */
export async function passkeyPrompt(
  signIn: Pick<SignInContext, 'stores' | 'factorSealer' | 'relyingParty' | 'basePath' | 'clock'>,
  userId: string,
): Promise<{ options: string; state: string; scripts: readonly string[] } | undefined> {
  if (!signIn.relyingParty.available) return undefined;
  const passkeys = await signIn.stores.factors.listPasskeys(userId);
  if (passkeys.length === 0) return undefined;
  const request = await passkeyRequest(
    { sealer: signIn.factorSealer, relyingParty: signIn.relyingParty },
    userId,
    passkeys,
    signIn.clock(),
  );
  return {
    options: JSON.stringify(request.options),
    state: request.state,
    scripts: [signIn.basePath + WEBAUTHN_BROWSER_PATH, signIn.basePath + PASSKEYS_SCRIPT_PATH],
  };
}

/** The username-less passkey sign-in of a login page: any discoverable credential of this RP. */
export async function discoverablePasskeyPrompt(
  signIn: Pick<SignInContext, 'factorSealer' | 'relyingParty' | 'basePath' | 'clock'>,
  action: string,
): Promise<{ action: string; options: string; state: string; scripts: readonly string[] } | undefined> {
  if (!signIn.relyingParty.available) return undefined;
  const request = await passkeyRequest(
    { sealer: signIn.factorSealer, relyingParty: signIn.relyingParty },
    DISCOVERABLE,
    [],
    signIn.clock(),
  );
  return {
    action,
    options: JSON.stringify(request.options),
    state: request.state,
    scripts: [signIn.basePath + WEBAUTHN_BROWSER_PATH, signIn.basePath + PASSKEYS_SCRIPT_PATH],
  };
}
