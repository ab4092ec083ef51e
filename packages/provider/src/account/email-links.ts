import type { SignInContext } from '../authorization/context.js';
import type { Mailer, MailMessage } from '../email/mailer.js';
import type { Logger } from '../lib/logger.js';
import type { EmailLinkPurpose, EmailLinkStore, UserRecord } from '../store/types.js';
import { hashOpaqueToken } from '../tokens/opaque-hash.js';

/** 256 bits: a link cannot be guessed, so its SHA-256 alone is stored (DESIGN rule 6). */
const TOKEN_BYTES = 32;
/** Default lifetime of a link: long enough to read one's mail, short enough to be useless when leaked. */
export const DEFAULT_LINK_LIFETIME = 1800;

export interface EmailLinkDeps {
  readonly store: EmailLinkStore;
  readonly clock: () => number;
  readonly random: (n: number) => Buffer;
  /** Seconds. */
  readonly lifetime: number;
}

/** The link store and settings of the account pages, as issueEmailLink takes them. */
export function emailLinkDeps(signIn: SignInContext, lifetime: number): EmailLinkDeps {
  return { store: signIn.stores.emailLinks, clock: signIn.clock, random: signIn.random, lifetime };
}

export interface IssuedLink {
  readonly token: string;
  readonly minutes: number;
}

/**
 * Makes a single-use link token for one account, one address and one purpose (F5), stored hashed.
 * A newer link of the same purpose ends the older ones, so only the last email sent works.
 */
export async function issueEmailLink(
  deps: EmailLinkDeps,
  user: Pick<UserRecord, 'id'>,
  email: string,
  purpose: EmailLinkPurpose,
): Promise<IssuedLink> {
  const now = deps.clock();
  await deps.store.consumeAllForUser(user.id, purpose, now);
  const token = deps.random(TOKEN_BYTES).toString('base64url');
  await deps.store.create({
    tokenHash: hashOpaqueToken(token),
    purpose,
    userId: user.id,
    email,
    createdAt: now,
    expiresAt: now + deps.lifetime,
    consumedAt: null,
  });
  return { token, minutes: Math.round(deps.lifetime / 60) };
}

/** The stored form of a token from a link, or undefined for something that cannot be one. */
export function linkTokenHash(token: string | undefined): string | undefined {
  return token !== undefined && /^[A-Za-z0-9_-]{43}$/.test(token) ? hashOpaqueToken(token) : undefined;
}

/**
 * Work that must not make a request slower for a known address than for an unknown one (F5: same
 * answer, same timing) runs after the answer. Failures are logged without the message, which holds a
 * single-use link.
 */
export function afterResponse(
  logger: Logger,
  what: string,
  work: () => Promise<MailMessage[]>,
  mailer: Mailer,
): void {
  setImmediate(() => {
    work()
      .then((messages) => Promise.all(messages.map((message) => mailer.send(message))))
      .catch((error: unknown) => {
        logger.error(
          { err: { message: error instanceof Error ? error.message : String(error) } },
          `${what} failed`,
        );
      });
  });
}
