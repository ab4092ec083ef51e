import type { EmailConfig } from '../config/types.js';

/** One message, in plain text and HTML (the same words; mail clients show one or the other). */
export interface MailMessage {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Sends email. The provider never awaits it on a request path whose timing must not tell anything (F5). */
export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

/** Bounds on one delivery (DESIGN rule 9): a stuck SMTP server must not hold work forever. */
const CONNECT_TIMEOUT_MS = 10_000;
const SOCKET_TIMEOUT_MS = 30_000;

/**
 * Delivery through SMTP with nodemailer: STARTTLS required on 587 by default, TLS from the first byte
 * with `tls: implicit` (465), plain only with `tls: none` (a local relay or a test server). Certificates
 * are verified. nodemailer loads on first use, so a provider without email keeps it out of memory.
 */
export function createSmtpMailer(config: EmailConfig): Mailer {
  const tls = config.smtp.tls ?? 'starttls';
  let transport: Promise<import('nodemailer').Transporter> | undefined;
  const open = async () => {
    const nodemailer = (await import('nodemailer')).default;
    return nodemailer.createTransport({
      host: config.smtp.host,
      port: config.smtp.port ?? (tls === 'implicit' ? 465 : 587),
      secure: tls === 'implicit',
      requireTLS: tls === 'starttls',
      ignoreTLS: tls === 'none',
      ...(config.smtp.username === undefined
        ? {}
        : { auth: { user: config.smtp.username, pass: config.smtp.password ?? '' } }),
      connectionTimeout: CONNECT_TIMEOUT_MS,
      greetingTimeout: CONNECT_TIMEOUT_MS,
      socketTimeout: SOCKET_TIMEOUT_MS,
      // Never log message bodies: they carry single-use links.
      logger: false,
      debug: false,
    });
  };
  return {
    async send(message) {
      transport ??= open();
      await (await transport).sendMail({ from: config.from, ...message });
    },
  };
}
