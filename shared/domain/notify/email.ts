import { renderPlainText } from "../render/plain-text.ts";
import { escapeHtml } from "../text.ts";
import { type ApproverLink, type NotificationView, titleOf } from "./view.ts";

/** A mail as the SMTP sender takes it: multipart, plain text first (PROTOCOLS §19). */
export interface EmailMessage {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/** Subjects are one line; mail clients cut long ones anyway. */
const subjectOf = (v: NotificationView) => `${titleOf(v)} — ${v.headline}`.replace(/\s+/g, " ").slice(0, 200);

const row = (label: string, value: string) =>
  `<tr><th align="left" valign="top" style="padding:2px 12px 2px 0">${escapeHtml(label)}</th><td style="padding:2px 0">${escapeHtml(value)}</td></tr>`;

/**
 * One notice as a mail. `links` is empty in the team's mail: a signed link
 * goes only into the mail of the approver it names (docs/notify.md "E-mail").
 */
export function renderEmail(v: NotificationView, links: readonly ApproverLink[]): EmailMessage {
  const linkText = links.map((l) => `Review and decide as ${l.approver}: ${l.url}`);
  const text = [renderPlainText(v), ...(linkText.length > 0 ? ["", ...linkText] : [])].join("\n");
  const rows = [
    row("Root cause", v.rootCause),
    row("Risk", `${v.risk} · confidence ${v.confidence}% · verdict by ${v.verdictBy}`),
    row("Blast radius", v.blastRadius),
    row("Proposed", `${v.operation} — ${v.description}`),
    ...(v.actionFacts ? [row("Plan", v.actionFacts)] : []),
    row("Seen", v.seen),
    ...(v.approval ? [row("Approval", v.approval)] : []),
    ...(v.learned ? [row("Learned", v.learned)] : []),
  ];
  const html = [
    "<!doctype html>",
    '<html><body style="font-family:system-ui,sans-serif;font-size:14px">',
    `<h2 style="margin:0 0 8px">${escapeHtml(titleOf(v))}</h2>`,
    `<p style="margin:0 0 8px"><strong>${escapeHtml(v.headline)}</strong></p>`,
    `<p style="margin:0 0 8px">${escapeHtml(v.message)} <em>(${escapeHtml(v.source)})</em></p>`,
    `<table>${rows.join("")}</table>`,
    `<pre style="background:#f4f4f4;padding:8px">${escapeHtml(v.command)}</pre>`,
    ...links.map(
      (l) =>
        `<p><a href="${escapeHtml(l.url)}" style="padding:8px 14px;background:#1a7f37;color:#fff;text-decoration:none">Review and decide as ${escapeHtml(l.approver)}</a></p>`,
    ),
    ...(v.sourceLink ? [`<p><a href="${escapeHtml(v.sourceLink.url)}">${escapeHtml(v.sourceLink.label)}</a></p>`] : []),
    `<p style="color:#666">Incident ${escapeHtml(v.incidentId)}${v.approvalId ? ` · approval ${escapeHtml(v.approvalId)}` : ""}</p>`,
    "</body></html>",
  ].join("\n");
  return { subject: subjectOf(v), text, html };
}
