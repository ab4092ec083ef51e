import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialRequestOptionsJSON,
  VerifiedAuthenticationResponse,
} from '@simplewebauthn/server';
import type { FactorSecretSealer } from '../../keys/sealing.js';
import type { AuditStore, FactorStore, PasskeyRecord, ReplayCache } from '../../store/types.js';
import type { SecondFactor } from './second-factor.js';
import { openChallenge, sealChallenge, type WebAuthnRelyingParty, webauthnServer } from './webauthn.js';

export interface PasskeyDeps {
  readonly factors: FactorStore;
  readonly sealer: FactorSecretSealer;
  readonly replayCache: ReplayCache;
  readonly audit: AuditStore;
  readonly relyingParty: WebAuthnRelyingParty;
}

/** What the second-factor page's script posts as the "code": the sealed challenge and the assertion. */
interface PasskeyAnswer {
  readonly state: string;
  readonly response: AuthenticationResponseJSON;
}

/**
 * RFC 8176 methods of a passkey use: `hwk` for a key bound to one device, `swk` for a synced passkey
 * (its private key lives in software, copied between devices: WebAuthn L3 §6.1.3 backup state), and
 * `user` when the authenticator verified the person (PIN or biometric, the UV flag).
 */
export function passkeyAmr(backedUp: boolean, userVerified: boolean): string[] {
  return [backedUp ? 'swk' : 'hwk', ...(userVerified ? ['user'] : [])];
}

/**
 * The options of an assertion by one of `passkeys` (or, for DISCOVERABLE, by any discoverable
 * credential of this RP: the browser offers them, conditional mediation included), with their sealed
 * challenge, for the page's script.
 */
export async function passkeyRequest(
  deps: Pick<PasskeyDeps, 'sealer' | 'relyingParty'>,
  userId: string,
  passkeys: readonly PasskeyRecord[],
  now: number,
): Promise<{ readonly options: PublicKeyCredentialRequestOptionsJSON; readonly state: string }> {
  const { generateAuthenticationOptions } = await webauthnServer();
  const options = await generateAuthenticationOptions({
    rpID: deps.relyingParty.id,
    allowCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: [...p.transports] })),
    userVerification: 'required',
  });
  return { options, state: sealChallenge(deps.sealer, userId, 'authenticate', options.challenge, now) };
}

/**
 * A passkey as the factor after the password (WebAuthn L3 §7.2): one of the user's own credentials,
 * this RP ID and origin only, user verification required, the challenge used once, and the signature
 * counter must move forward. A counter that goes back means a cloned authenticator: refused, flagged
 * and audited (F2).
 */
export function createPasskeyFactor(deps: PasskeyDeps): SecondFactor {
  return {
    kind: 'passkey',
    amr: 'hwk',
    backup: false,
    async enrolled(userId) {
      return (await deps.factors.listPasskeys(userId)).length > 0;
    },
    accepts: (code) => code.startsWith('{'),
    async verify(userId, code, now) {
      return (await verifyPasskeyAnswer(deps, code, userId, now))?.amr;
    },
  };
}

/** The challenge of a username-less sign-in is sealed to no user: whoever's passkey answers it. */
export const DISCOVERABLE = '*';

/**
 * Verifies a passkey answer (`{ state, response }` as JSON) for `userId`, or for any user when
 * `userId` is DISCOVERABLE (a username-less sign-in with a discoverable credential: the credential
 * names its user). Returns the user and the methods proven, or undefined.
 */
export async function verifyPasskeyAnswer(
  deps: PasskeyDeps,
  code: string,
  userId: string,
  now: number,
): Promise<{ readonly userId: string; readonly amr: readonly string[] } | undefined> {
  let answer: PasskeyAnswer;
  try {
    answer = JSON.parse(code) as PasskeyAnswer;
  } catch {
    return undefined;
  }
  if (typeof answer?.state !== 'string' || typeof answer.response?.id !== 'string') return undefined;
  const state = openChallenge(deps.sealer, userId, 'authenticate', answer.state, now);
  if (state === undefined) return undefined;
  const passkey = await deps.factors.getPasskey(answer.response.id);
  if (passkey === undefined || (userId !== DISCOVERABLE && passkey.userId !== userId)) return undefined;
  // One use per challenge, across instances (the replay cache is the store's).
  if (!(await deps.replayCache.remember(`webauthn:${state.challenge}`, state.expiresAt, now))) {
    return undefined;
  }
  const { verifyAuthenticationResponse } = await webauthnServer();
  let verified: VerifiedAuthenticationResponse;
  try {
    verified = await verifyAuthenticationResponse({
      response: answer.response,
      expectedChallenge: state.challenge,
      expectedOrigin: deps.relyingParty.origin,
      expectedRPID: deps.relyingParty.id,
      credential: {
        id: passkey.credentialId,
        publicKey: Buffer.from(passkey.publicKey, 'base64url'),
        counter: passkey.counter,
        transports: [...passkey.transports] as never,
      },
      requireUserVerification: true,
    });
  } catch (error) {
    if (error instanceof Error && /counter/i.test(error.message)) {
      await flagCounterRegression(deps, passkey, now);
    }
    return undefined;
  }
  if (!verified.verified) return undefined;
  const info = verified.authenticationInfo;
  if (!(await deps.factors.usePasskey(passkey.credentialId, info.newCounter, now))) {
    await flagCounterRegression(deps, passkey, now);
    return undefined;
  }
  return { userId: passkey.userId, amr: passkeyAmr(info.credentialBackedUp, info.userVerified) };
}

async function flagCounterRegression(deps: PasskeyDeps, passkey: PasskeyRecord, now: number): Promise<void> {
  await deps.audit.append({
    type: 'passkey.counter_regression',
    at: now,
    userId: passkey.userId,
    details: { passkey: passkey.name, credentialId: passkey.credentialId.slice(0, 16) },
  });
}
