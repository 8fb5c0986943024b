import { WorkerMailer } from "worker-mailer";
import type { DeliveryOutcome } from "../ports/channel-sender.ts";
import type { MailSender, OutgoingMail } from "../ports/mail-sender.ts";

export interface SmtpOptions {
  readonly host: string;
  readonly port: number;
  /** `tls`: implicit TLS (465); `starttls`: upgrade when the server offers it (587); `none`: plain (local relays). */
  readonly secure: "none" | "starttls" | "tls";
  readonly user?: string | undefined;
  readonly password?: string | undefined;
  readonly from: string;
  /** Per SMTP reply; a mail server that stops answering is a retry, not a stuck consumer. */
  readonly timeoutMs?: number;
}

/** The SMTP reply code inside worker-mailer's error text (`Invalid RCPT TO: <x> 550 …`), if any. */
function replyCodeOf(message: string): number | undefined {
  const match = /\b([245]\d\d)[ -]/.exec(message);
  return match ? Number(match[1]) : undefined;
}

/**
 * SMTP over the Workers TCP socket API through `worker-mailer` (PROTOCOLS §19):
 * one connection per mail, multipart text + HTML. A 5xx reply (unknown
 * recipient, refused sender, failed authentication) is permanent; 4xx
 * replies, timeouts and dropped connections are retried.
 */
export function createSmtpMailSender(options: SmtpOptions): MailSender {
  const timeout = options.timeoutMs ?? 10_000;
  return async (mail: OutgoingMail): Promise<DeliveryOutcome> => {
    try {
      await WorkerMailer.send(
        {
          host: options.host,
          port: options.port,
          secure: options.secure === "tls",
          startTls: options.secure === "starttls",
          ...(options.user ? { credentials: { username: options.user, password: options.password ?? "" }, authType: ["plain", "login"] } : {}),
          socketTimeoutMs: timeout,
          responseTimeoutMs: timeout,
          // worker-mailer logs every session at INFO; our own log says what matters.
          logLevel: 4,
        },
        { from: options.from, to: [...mail.to], subject: mail.subject, text: mail.text, html: mail.html, headers: { "Message-ID": mail.messageId } },
      );
      return { kind: "sent" };
    } catch (error) {
      const said = error instanceof Error ? error.message : String(error);
      const reason = `SMTP ${options.host}:${options.port}: ${said}`.slice(0, 500);
      const code = replyCodeOf(said);
      return code !== undefined && code >= 500 ? { kind: "permanent", reason } : { kind: "retry", reason };
    }
  };
}
