import type { Digest } from "../../contracts/digest.ts";
import { clip, escapeHtml } from "../text.ts";
import type { EmailMessage } from "./email.ts";
import { escapeSlack, type SlackMessage } from "./slack.ts";
import type { TelegramMessage } from "./telegram.ts";

const minutes = (seconds: number) => (seconds < 3_600 ? `${Math.round(seconds / 60)} min` : `${(seconds / 3_600).toFixed(1)} h`);

/** A digest section: a heading and its lines (alert-derived text unescaped; each channel escapes). */
interface Section {
  readonly heading: string;
  readonly lines: readonly string[];
}

export const digestTitle = (d: Digest) => `AWOOOI daily digest — ${d.day}`;

/** The digest as sections, in the order people read it: the day's shape, what ran itself, what waits, the quiet, the noise. */
export function digestSections(d: Digest): Section[] {
  const p = d.incidents.by_priority;
  const sources = Object.entries(d.incidents.by_source)
    .sort((a, b) => b[1] - a[1])
    .map(([source, n]) => `${source} ${n}`)
    .join(", ");
  const more = (total: number, shown: number) => (total > shown ? [`… and ${total - shown} more`] : []);
  return [
    {
      heading: "The last 24 hours",
      lines: [
        `${d.incidents.total} incidents: P0 ${p.P0 ?? 0} · P1 ${p.P1 ?? 0} · P2 ${p.P2 ?? 0} · P3 ${p.P3 ?? 0}${sources ? ` (from ${sources})` : ""}`,
        `Autonomy index ${d.autonomy_index === null ? "n/a (nothing settled)" : `${d.autonomy_index}%`} · MTTR ${d.mttr_seconds === null ? "n/a (nothing resolved)" : minutes(d.mttr_seconds)}`,
      ],
    },
    {
      heading: "Ran by itself",
      lines: [
        d.automatic.runs === 0
          ? "No automatic fix ran."
          : `${d.automatic.runs} automatic fixes: ${d.automatic.succeeded} succeeded, ${d.automatic.failed} failed`,
        ...(d.automatic.dry_runs > 0 ? [`${d.automatic.dry_runs} dry runs (EXECUTOR_DRY_RUN)`] : []),
      ],
    },
    {
      heading: `Still pending (${d.pending_total})`,
      lines:
        d.pending.length === 0
          ? ["Nothing waits for a decision."]
          : [
              ...d.pending.map((a) => `[${a.priority}] ${a.title} — waiting ${a.waiting_minutes} min (approval ${a.approval_id})`),
              ...more(d.pending_total, d.pending.length),
            ],
    },
    {
      heading: `Handled quietly (${d.quiet_total})`,
      lines:
        d.quiet.length === 0
          ? ["Nothing was kept out of the chats."]
          : [...d.quiet.map((i) => `[${i.priority}] ${i.title} — ${i.status} (incident ${i.incident_id})`), ...more(d.quiet_total, d.quiet.length)],
    },
    {
      heading: "Noisiest",
      lines: d.noisiest.length === 0 ? ["No alerts."] : d.noisiest.map((n) => `${n.title} — ${n.hits} hits (${n.fingerprint})`),
    },
  ];
}

export function renderDigestText(d: Digest): string {
  return [digestTitle(d), ...digestSections(d).flatMap((s) => ["", s.heading, ...s.lines.map((l) => `- ${l}`)])].join("\n");
}

export function renderDigestTelegram(d: Digest): TelegramMessage {
  const body = digestSections(d)
    .map((s) => `<b>${escapeHtml(s.heading)}</b>\n${s.lines.map((l) => `• ${escapeHtml(clip(l, 300))}`).join("\n")}`)
    .join("\n\n");
  return { text: clip(`<b>${escapeHtml(digestTitle(d))}</b>\n\n${body}`, 4_000), parse_mode: "HTML", link_preview_options: { is_disabled: true } };
}

export function renderDigestSlack(d: Digest): SlackMessage {
  return {
    text: digestTitle(d),
    blocks: [
      { type: "header", text: { type: "plain_text", text: clip(digestTitle(d), 150) } },
      ...digestSections(d).map((s) => ({
        type: "section" as const,
        text: { type: "mrkdwn" as const, text: clip(`*${escapeSlack(s.heading)}*\n${s.lines.map((l) => `• ${escapeSlack(l)}`).join("\n")}`, 3_000) },
      })),
    ],
    unfurl_links: false,
    unfurl_media: false,
  };
}

export function renderDigestEmail(d: Digest): EmailMessage {
  const html = [
    "<!doctype html>",
    '<html><body style="font-family:system-ui,sans-serif;font-size:14px">',
    `<h2>${escapeHtml(digestTitle(d))}</h2>`,
    ...digestSections(d).map((s) => `<h3>${escapeHtml(s.heading)}</h3><ul>${s.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join("")}</ul>`),
    "</body></html>",
  ].join("\n");
  return { subject: digestTitle(d), text: renderDigestText(d), html };
}
