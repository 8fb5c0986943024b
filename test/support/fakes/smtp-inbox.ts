// A real SMTP server (the `smtp-server` package) on loopback that parses what
// arrives with `mailparser` (PROTOCOLS §19) and shows it over HTTP, so workerd
// tests and end-to-end tests can read the mails a function sent.
// Recipients play failures: `bounce…@` is refused for good (550),
// `busy…@` for now (451).
import type { AddressInfo } from "node:net";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { startJsonServer } from "./json-server.ts";

export interface ReceivedMail {
  readonly from: string;
  /** The envelope's recipients (RCPT TO). */
  readonly to: string[];
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly messageId: string;
  /** The MIME type of the top part and whether a text and an HTML alternative both arrived. */
  readonly contentType: string;
}

export interface SmtpInbox {
  readonly host: string;
  readonly port: number;
  /** GET `${url}/_mails` answers every mail received, oldest first. */
  readonly url: string;
  readonly mails: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpInbox(): Promise<SmtpInbox> {
  const mails: ReceivedMail[] = [];
  const smtp = new SMTPServer({
    secure: false,
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (address.address.startsWith("bounce")) return callback(Object.assign(new Error("5.1.1 No such user here"), { responseCode: 550 }));
      if (address.address.startsWith("busy")) return callback(Object.assign(new Error("4.2.1 Mailbox busy, try later"), { responseCode: 451 }));
      callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          mails.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
            to: session.envelope.rcptTo.map((r) => r.address),
            subject: parsed.subject ?? "",
            text: parsed.text ?? "",
            html: typeof parsed.html === "string" ? parsed.html : "",
            messageId: parsed.messageId ?? "",
            contentType: String(parsed.headers.get("content-type") && (parsed.headers.get("content-type") as { value?: string }).value),
          });
          callback();
        })
        .catch((error: Error) => callback(error));
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve));
  const http = await startJsonServer((x) => (x.path.startsWith("/_mails") ? x.send(200, mails) : x.send(404, { error: "not found" })));
  return {
    host: "127.0.0.1",
    port: (smtp.server.address() as AddressInfo).port,
    url: http.url,
    mails,
    close: async () => {
      await http.close();
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    },
  };
}
