import { encodeChatAck, encodeChatDecision } from "../chat-decision.ts";
import { clip, escapeHtml } from "../text.ts";
import { type ApproverLink, type NotificationView, titleOf } from "./view.ts";

/** Telegram counts at most 4,096 characters after entity parsing (UTF-16 units); stay clear of it. */
export const TELEGRAM_TEXT_BUDGET = 4_000;

/** The only escaping HTML parse mode needs (PROTOCOLS.md §5). */
export const escapeTelegramHtml = escapeHtml;

export interface TelegramMessage {
  readonly text: string;
  readonly parse_mode: "HTML";
  readonly link_preview_options: { readonly is_disabled: true };
  readonly reply_markup?: { readonly inline_keyboard: ReadonlyArray<ReadonlyArray<TelegramButton>> };
}

export type TelegramButton = { readonly text: string; readonly url: string } | { readonly text: string; readonly callback_data: string };

/** Approve/Reject buttons of a pending approval, for whoever may press them in a shared chat. */
export interface DecisionButtons {
  readonly approvalId: string;
  readonly digest: string | null;
}

type Style = "plain" | "bold" | "italic" | "code" | "pre";
interface Segment {
  text: string;
  readonly style: Style;
  readonly href?: string;
  /** Shrunk first when the message is over budget. */
  readonly elastic?: boolean;
}

const TAGS: Record<Style, [string, string]> = {
  plain: ["", ""],
  bold: ["<b>", "</b>"],
  italic: ["<i>", "</i>"],
  code: ["<code>", "</code>"],
  pre: ["<pre>", "</pre>"],
};

/** Telegram refuses URL buttons to hosts like localhost (BUTTON_URL_INVALID): such links go in the text. */
export function buttonSafe(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === "https:" && !/^(localhost|127\.|0\.0\.0\.0|\[::1\]|10\.|192\.168\.|.*\.local$)/i.test(hostname);
  } catch {
    return false;
  }
}

/**
 * HTML parse mode, every piece of alert text escaped, within the length
 * budget (the long free-text fields shrink first), and one URL button per
 * approver link — each approver's own signed link.
 */
export function renderTelegram(v: NotificationView, links: readonly ApproverLink[], decision?: DecisionButtons, ackIncidentId?: string): TelegramMessage {
  const buttons = links.filter((l) => buttonSafe(l.url));
  const inText = links.filter((l) => !buttonSafe(l.url));
  const segments: Segment[] = [
    { text: titleOf(v), style: "bold" },
    { text: "\n", style: "plain" },
    { text: v.headline, style: "italic", elastic: true },
    { text: "\n\n", style: "plain" },
    { text: v.message, style: "plain", elastic: true },
    { text: "\n\nRoot cause: ", style: "bold" },
    { text: v.rootCause, style: "plain", elastic: true },
    { text: "\nRisk: ", style: "bold" },
    { text: `${v.risk} · confidence ${v.confidence}% · verdict by ${v.verdictBy}`, style: "plain" },
    { text: "\nBlast radius: ", style: "bold" },
    { text: v.blastRadius, style: "plain", elastic: true },
    { text: "\nSeen: ", style: "bold" },
    { text: v.seen, style: "plain" },
    ...(v.approval
      ? [
          { text: "\nApproval: ", style: "bold" as const },
          { text: v.approval, style: "plain" as const },
        ]
      : []),
    { text: `\n\nProposed: ${v.operation}`, style: "bold" },
    { text: "\n", style: "plain" },
    { text: v.command, style: "pre", elastic: true },
    { text: v.description, style: "plain", elastic: true },
    ...(v.actionFacts ? [{ text: `\n${v.actionFacts}`, style: "plain" as const, elastic: true }] : []),
    ...(v.kind === "notify_only" && v.reasons.length > 0 ? [{ text: `\nWhy: ${v.reasons.join("; ")}`, style: "plain" as const, elastic: true }] : []),
    ...(v.kind !== "notify_only" && v.learned
      ? [
          { text: "\nLearned: ", style: "bold" as const },
          { text: v.learned, style: "plain" as const, elastic: true },
        ]
      : []),
    ...(v.sourceLink
      ? [
          { text: "\n", style: "plain" as const },
          { text: v.sourceLink.label, style: "plain" as const, href: v.sourceLink.url },
        ]
      : []),
    ...(v.ticket
      ? [
          { text: "\n", style: "plain" as const },
          { text: `Ticket ${v.ticket.system === "github" ? "#" : ""}${v.ticket.key}`, style: "plain" as const, href: v.ticket.url },
        ]
      : []),
    ...inText.flatMap((l) => [
      { text: `\nReview as ${l.approver}: `, style: "plain" as const },
      { text: l.url, style: "plain" as const, href: l.url },
    ]),
    { text: `\nIncident ${v.incidentId}`, style: "code" },
  ];
  fitToBudget(segments, TELEGRAM_TEXT_BUDGET);
  const text = segments
    .filter((s) => s.text.length > 0)
    .map((s) => {
      const body = escapeTelegramHtml(s.text);
      if (s.href) return `<a href="${escapeTelegramHtml(s.href)}">${body}</a>`;
      const [open, close] = TAGS[s.style];
      return `${open}${body}${close}`;
    })
    .join("");
  return {
    text,
    parse_mode: "HTML",
    link_preview_options: { is_disabled: true },
    ...(buttons.length > 0 || decision || ackIncidentId
      ? {
          reply_markup: {
            inline_keyboard: [
              ...(decision
                ? [
                    [
                      { text: "✅ Approve", callback_data: encodeChatDecision(decision.approvalId, "approve", decision.digest) },
                      { text: "❌ Reject", callback_data: encodeChatDecision(decision.approvalId, "reject", decision.digest) },
                    ],
                  ]
                : []),
              ...(ackIncidentId ? [[{ text: "👀 Acknowledge", callback_data: encodeChatAck(ackIncidentId) }]] : []),
              ...buttons.map((l) => [{ text: `Review as ${l.approver}`, url: l.url }]),
            ],
          },
        }
      : {}),
  };
}

/** Shrinks the longest elastic segment until the visible text fits. */
function fitToBudget(segments: Segment[], budget: number): void {
  const visible = () => segments.reduce((sum, s) => sum + s.text.length, 0);
  let over = visible() - budget;
  while (over > 0) {
    const longest = segments.filter((s) => s.elastic).sort((a, b) => b.text.length - a.text.length)[0];
    if (!longest || longest.text.length <= 40) {
      // Only fixed fields left: cut the tail of the longest segment of all.
      const any = [...segments].sort((a, b) => b.text.length - a.text.length)[0]!;
      any.text = clip(any.text, Math.max(1, any.text.length - over));
    } else {
      longest.text = clip(longest.text, Math.max(40, longest.text.length - over));
    }
    over = visible() - budget;
  }
}

/** A one-line notice that points at the live message above it (a decision, a result): short, so the chat stays readable. */
export function renderTelegramNotice(v: NotificationView): TelegramMessage {
  const text = `<b>${escapeTelegramHtml(titleOf(v))}</b>\n${escapeTelegramHtml(clip(v.headline, 1_000))}\n<code>Incident ${escapeTelegramHtml(v.incidentId)}</code>`;
  return { text, parse_mode: "HTML", link_preview_options: { is_disabled: true } };
}
