import { escapeHtml } from '../ui/html.js';
import type { MailMessage } from './mailer.js';

export interface MessageContext {
  readonly productName: string;
  readonly primaryColor: string;
}

/**
 * The emails the provider sends, each plain text and HTML with the same words and the pages' look. A
 * link is the only action; each says how long it works and what to do if the person did not ask.
 */
export function verifyEmailMessage(
  context: MessageContext,
  input: { readonly to: string; readonly link: string; readonly minutes: number },
): MailMessage {
  return message(context, input.to, {
    subject: `Confirm your email address for ${context.productName}`,
    lines: [
      `Confirm that ${input.to} is your email address by opening this link within ${input.minutes} minutes:`,
    ],
    link: input.link,
    button: 'Confirm email address',
    footer: 'If you did not ask for this, ignore this email: nothing changes.',
  });
}

export function resetPasswordMessage(
  context: MessageContext,
  input: { readonly to: string; readonly username: string; readonly link: string; readonly minutes: number },
): MailMessage {
  return message(context, input.to, {
    subject: `Reset your ${context.productName} password`,
    lines: [
      `Someone asked to reset the password of the account "${input.username}". To choose a new password, open this link within ${input.minutes} minutes:`,
    ],
    link: input.link,
    button: 'Choose a new password',
    footer:
      'If you did not ask for this, ignore this email: your password stays as it is. Resetting signs you out everywhere.',
  });
}

/** Sent instead of a second account when someone registers with an address that already has one. */
export function alreadyRegisteredMessage(
  context: MessageContext,
  input: { readonly to: string; readonly signInLink: string; readonly resetLink: string },
): MailMessage {
  return message(context, input.to, {
    subject: `You already have a ${context.productName} account`,
    lines: [
      `Someone tried to create an account with ${input.to}, which already has one. Sign in instead, or reset your password if you forgot it: ${input.resetLink}`,
    ],
    link: input.signInLink,
    button: 'Sign in',
    footer: 'If this was not you, ignore this email: nothing changes.',
  });
}

function message(
  context: MessageContext,
  to: string,
  body: {
    readonly subject: string;
    readonly lines: readonly string[];
    readonly link: string;
    readonly button: string;
    readonly footer: string;
  },
): MailMessage {
  const text = [...body.lines, '', body.link, '', body.footer, '', `— ${context.productName}`].join('\n');
  const e = escapeHtml;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${e(body.subject)}</title></head>
<body style="margin:0;padding:24px;background:#f3f4f7;font:16px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1b1f29">
<div style="max-width:32rem;margin:0 auto;background:#fff;border:1px solid #d5d9e2;border-radius:10px;padding:28px">
<p style="margin:0 0 16px;font-weight:650">${e(context.productName)}</p>
${body.lines.map((line) => `<p style="margin:0 0 16px">${e(line)}</p>`).join('\n')}
<p style="margin:24px 0"><a href="${e(body.link)}" style="display:inline-block;padding:12px 18px;border-radius:8px;background:${e(context.primaryColor)};color:#fff;font-weight:600;text-decoration:none">${e(body.button)}</a></p>
<p style="margin:0 0 16px;font-size:14px;color:#5b6475;overflow-wrap:anywhere">Or copy this address into your browser: ${e(body.link)}</p>
<p style="margin:0;font-size:14px;color:#5b6475">${e(body.footer)}</p>
</div></body></html>`;
  return { to, subject: body.subject, text, html };
}
