import type { VerifiedRegistrationResponse } from '@simplewebauthn/server';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SignInContext } from '../authorization/context.js';
import { continuation } from '../authorization/enrolment-handoff.js';
import { passkeyAmr } from '../login/factors/passkey.js';
import { openChallenge, sealChallenge, webauthnServer } from '../login/factors/webauthn.js';
import { StoreConflictError } from '../store/types.js';
import { html, type SafeHtml } from '../ui/html.js';
import { layout } from '../ui/layout.js';
import { PASSKEYS_SCRIPT_PATH, WEBAUTHN_BROWSER_PATH } from '../ui/scripts.js';
import { sendPage } from '../ui/send-page.js';
import { when } from '../ui/time.js';
import { continueForm } from './factors-section.js';
import { checkAccountPost } from './form-post.js';
import type { Notice } from './pages.js';
import type { SignedIn } from './signed-in.js';

export interface PasskeyPaths {
  readonly register: string;
  readonly remove: string;
}

const MAX_NAME_LENGTH = 64;
/** Rule 9: a registration response with attestation `none` is a few KB. */
const MAX_RESPONSE_LENGTH = 32_768;

/** The account page's "Passkeys" section: the person's passkeys (named, removable) and "Add a passkey". */
export async function passkeysSection(
  signIn: SignInContext,
  user: SignedIn['user'],
  paths: PasskeyPaths,
  hidden: SafeHtml,
): Promise<{ readonly section: SafeHtml; readonly scripts: readonly string[] } | undefined> {
  if (!signIn.relyingParty.available) return undefined;
  const passkeys = await signIn.stores.factors.listPasskeys(user.id);
  // WebAuthn L3 §5.4: a discoverable credential with user verification, no attestation; the ones
  // already registered are excluded, so one authenticator is not registered twice.
  const { generateRegistrationOptions } = await webauthnServer();
  const options = await generateRegistrationOptions({
    rpName: signIn.relyingParty.name,
    rpID: signIn.relyingParty.id,
    userName: user.username,
    userID: Buffer.from(user.id, 'utf8'),
    attestationType: 'none',
    excludeCredentials: passkeys.map((p) => ({ id: p.credentialId, transports: [...p.transports] })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  const state = sealChallenge(signIn.factorSealer, user.id, 'register', options.challenge, signIn.clock());
  const list =
    passkeys.length === 0
      ? html`<p>No passkeys yet. A passkey signs you in with your device's screen lock, and cannot be phished.</p>`
      : html`<ul class="passkeys">${passkeys.map(
          (p) => html`<li><strong>${p.name}</strong> · added ${when(p.createdAt)}${
            p.lastUsedAt === null ? null : html` · last used ${when(p.lastUsedAt)}`
          }
<form method="post" action="${paths.remove}" class="inline">${hidden}<input type="hidden" name="credential_id" value="${p.credentialId}"><button type="submit" class="button">Remove</button></form></li>`,
        )}</ul>`;
  const section = html`<section aria-labelledby="passkeys-title">
<h2 id="passkeys-title">Passkeys</h2>
${list}
<form method="post" action="${paths.register}">
${hidden}
<input type="hidden" name="state" value="${state}">
<input type="hidden" name="response" value="">
<div class="field">
<label for="passkey_name">Name of the new passkey</label>
<input id="passkey_name" name="name" type="text" maxlength="${MAX_NAME_LENGTH}" value="Passkey" autocomplete="off">
</div>
<div class="actions inline"><button type="button" class="button" id="passkey-register" hidden data-options="${JSON.stringify(options)}">Add a passkey</button></div>
<p id="passkey-register-status" role="status"></p>
</form>
</section>`;
  return {
    section,
    scripts: [signIn.basePath + WEBAUTHN_BROWSER_PATH, signIn.basePath + PASSKEYS_SCRIPT_PATH],
  };
}

export interface PasskeyRouteDeps {
  readonly paths: PasskeyPaths;
  readonly signedIn: (request: FastifyRequest) => Promise<SignedIn | undefined>;
  readonly backToPage: (reply: FastifyReply, notice?: Notice) => FastifyReply;
  readonly refuse: (reply: FastifyReply, status: number, message: string) => FastifyReply;
}

/**
 * Registering and removing passkeys (WebAuthn L3 §7.1): the challenge is the one sealed into the page
 * for this user, used once; the origin and RP ID are the issuer's; user verification is required;
 * attestation is not asked for. Both are audited.
 */
export function registerPasskeyRoutes(
  app: FastifyInstance,
  signIn: SignInContext,
  deps: PasskeyRouteDeps,
): void {
  app.post(deps.paths.register, async (request, reply) => {
    const signedIn = await deps.signedIn(request);
    if (signedIn === undefined) return deps.backToPage(reply);
    const post = checkAccountPost(signIn, request, ['state', 'response', 'name']);
    if (!post.ok) return deps.refuse(reply, post.status, post.message);
    const userId = signedIn.user.id;
    const now = signIn.clock();
    const refused = () =>
      deps.refuse(reply, 400, 'The passkey could not be added. Reload your account page and try again.');
    const raw = post.form.get('response') ?? '';
    const state = openChallenge(signIn.factorSealer, userId, 'register', post.form.get('state') ?? '', now);
    if (state === undefined || raw === '' || raw.length > MAX_RESPONSE_LENGTH) return refused();
    if (!(await signIn.stores.replayCache.remember(`webauthn:${state.challenge}`, state.expiresAt, now))) {
      return refused();
    }
    const { verifyRegistrationResponse } = await webauthnServer();
    let verified: VerifiedRegistrationResponse;
    try {
      verified = await verifyRegistrationResponse({
        response: JSON.parse(raw),
        expectedChallenge: state.challenge,
        expectedOrigin: signIn.relyingParty.origin,
        expectedRPID: signIn.relyingParty.id,
        requireUserVerification: true,
      });
    } catch {
      return refused();
    }
    if (!verified.verified) return refused();
    const { credential, credentialBackedUp } = verified.registrationInfo;
    const name = (post.form.get('name') ?? '').trim().slice(0, MAX_NAME_LENGTH) || 'Passkey';
    try {
      await signIn.stores.factors.addPasskey({
        credentialId: credential.id,
        userId,
        name,
        publicKey: Buffer.from(credential.publicKey).toString('base64url'),
        counter: credential.counter,
        transports: credential.transports ?? [],
        backedUp: credentialBackedUp,
        createdAt: now,
        lastUsedAt: null,
      });
    } catch (error) {
      if (error instanceof StoreConflictError) return refused();
      throw error;
    }
    await signIn.stores.audit.append({
      type: 'factor.enrolled',
      at: now,
      userId,
      ip: request.ip,
      details: { factor: 'passkey', name },
    });
    // Sent here by an application that requires two-step verification: registering the passkey
    // proved it (user verification required), and the page continues to the application.
    const next = await continuation(
      signIn,
      request,
      reply,
      signedIn.session,
      passkeyAmr(credentialBackedUp, verified.registrationInfo.userVerified),
    );
    if (next !== undefined) {
      return sendPage(reply, {
        status: 200,
        csp: next.csp,
        body: layout(signIn.theme, {
          title: 'Passkey added',
          content: html`<p class="notice" role="status">Your passkey “${name}” was added.</p>
${continueForm(next, 'Done')}`,
        }),
      });
    }
    return deps.backToPage(reply, 'passkey-added');
  });

  app.post(deps.paths.remove, async (request, reply) => {
    const signedIn = await deps.signedIn(request);
    if (signedIn === undefined) return deps.backToPage(reply);
    const post = checkAccountPost(signIn, request, ['credential_id']);
    if (!post.ok) return deps.refuse(reply, post.status, post.message);
    const removed = await signIn.stores.factors.deletePasskey(
      signedIn.user.id,
      post.form.get('credential_id') ?? '',
    );
    if (!removed)
      return deps.refuse(reply, 404, 'That passkey is not one of yours. Reload your account page.');
    await signIn.stores.audit.append({
      type: 'factor.removed',
      at: signIn.clock(),
      userId: signedIn.user.id,
      ip: request.ip,
      details: { factor: 'passkey' },
    });
    return deps.backToPage(reply, 'passkey-removed');
  });
}
