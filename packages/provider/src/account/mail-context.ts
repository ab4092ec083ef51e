import type { Mailer } from '../email/mailer.js';
import type { MessageContext } from '../email/messages.js';
import type { Logger } from '../lib/logger.js';
import type { SendLimits } from './send-limits.js';

/** What the email flows need, present only when `email.*` is configured. */
export interface AccountMail {
  readonly mailer: Mailer;
  readonly message: MessageContext;
  /** Seconds a link works. */
  readonly linkLifetime: number;
  readonly limits: SendLimits;
  readonly logger: Logger;
}
