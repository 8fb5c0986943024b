import { encodeChatAck, encodeChatDecision } from "../chat-decision.ts";
import { clip } from "../text.ts";
import { type ApproverLink, type NotificationView, titleOf } from "./view.ts";

/** Block Kit limits (PROTOCOLS.md §6). */
export const SLACK_LIMITS = {
  header: 150,
  sectionText: 3_000,
  field: 2_000,
  buttonText: 75,
  buttonUrl: 3_000,
  actions: 25,
  blocks: 50,
  fallback: 3_000,
} as const;

/** mrkdwn needs only these three escaped; everything else is literal. */
export function escapeSlack(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
}

/** A link target inside `<url|label>`: `|` would end it and `<`/`>`/`&` would start markup, so each is encoded. */
export function slackLinkTarget(url: string): string {
  return url.replaceAll("&", "&amp;").replaceAll("|", "%7C").replaceAll("<", "%3C").replaceAll(">", "%3E");
}

type TextObject = { type: "mrkdwn" | "plain_text"; text: string };
export type SlackBlock =
  | { type: "header"; text: TextObject }
  | { type: "section"; text?: TextObject; fields?: TextObject[] }
  | { type: "context"; elements: TextObject[] }
  | {
      type: "actions";
      block_id?: string;
      elements: Array<{ type: "button"; text: TextObject; url?: string; value?: string; action_id: string; style?: "primary" | "danger" }>;
    };

export interface SlackMessage {
  readonly text: string;
  readonly blocks: SlackBlock[];
  readonly unfurl_links: false;
  readonly unfurl_media: false;
}

const mrkdwn = (text: string, max: number = SLACK_LIMITS.sectionText): TextObject => ({ type: "mrkdwn", text: clip(text, max) });
/** Backticks would end the code span early; the command is shown, not run. */
const codeSafe = (text: string) => escapeSlack(text).replaceAll("```", "ʼʼʼ");

/**
 * A Block Kit message: header, what happened, the verdict as fields, the
 * proposed command, a source deep link, and one URL button per approver link.
 * Every alert-derived string is escaped and clipped to its block's limit.
 */
export function renderSlack(
  v: NotificationView,
  links: readonly ApproverLink[],
  mentions: readonly string[] = [],
  decision?: { readonly approvalId: string; readonly digest: string | null },
  ackIncidentId?: string,
): SlackMessage {
  const blocks: SlackBlock[] = [
    { type: "header", text: { type: "plain_text", text: clip(titleOf(v), SLACK_LIMITS.header) } },
    { type: "section", text: mrkdwn(`*${escapeSlack(v.headline)}*\n${escapeSlack(v.message)}`) },
    {
      type: "section",
      fields: [
        mrkdwn(`*Risk*\n${escapeSlack(v.risk)} · ${v.confidence}% confidence`, SLACK_LIMITS.field),
        mrkdwn(`*Verdict by*\n${escapeSlack(v.verdictBy)}`, SLACK_LIMITS.field),
        mrkdwn(`*Seen*\n${escapeSlack(v.seen)}`, SLACK_LIMITS.field),
        mrkdwn(`*Blast radius*\n${escapeSlack(v.blastRadius)}`, SLACK_LIMITS.field),
        ...(v.approval ? [mrkdwn(`*Approval*\n${escapeSlack(v.approval)}`, SLACK_LIMITS.field)] : []),
      ],
    },
    { type: "section", text: mrkdwn(`*Root cause*\n${escapeSlack(v.rootCause)}`) },
    {
      type: "section",
      text: mrkdwn(`*Proposed: ${escapeSlack(v.operation)}*\n\`\`\`${clip(codeSafe(v.command), 2_000)}\`\`\`\n${escapeSlack(v.description)}`),
    },
  ];
  if (v.actionFacts) blocks.push({ type: "context", elements: [mrkdwn(escapeSlack(v.actionFacts))] });
  if (v.kind === "notify_only" && v.reasons.length > 0) blocks.push({ type: "context", elements: [mrkdwn(`Why: ${escapeSlack(v.reasons.join("; "))}`)] });
  else if (v.learned) blocks.push({ type: "context", elements: [mrkdwn(`*Learned:* ${escapeSlack(v.learned)}`)] });
  const context = [
    ...(v.sourceLink ? [`<${slackLinkTarget(v.sourceLink.url)}|${escapeSlack(v.sourceLink.label)}>`] : []),
    ...(v.ticket ? [`<${slackLinkTarget(v.ticket.url)}|Ticket ${escapeSlack(v.ticket.key)}>`] : []),
    `Incident \`${v.incidentId}\``,
    ...(mentions.length > 0 ? [`cc ${mentions.map(escapeSlack).join(" ")}`] : []),
  ];
  blocks.push({ type: "context", elements: [mrkdwn(context.join(" · "))] });
  const buttons = links.filter((l) => l.url.length <= SLACK_LIMITS.buttonUrl).slice(0, SLACK_LIMITS.actions);
  if (buttons.length > 0) {
    blocks.push({
      type: "actions",
      elements: buttons.map((l) => ({
        type: "button",
        text: { type: "plain_text", text: clip(`Review as ${l.approver}`, SLACK_LIMITS.buttonText) },
        url: l.url,
        action_id: clip(`review-${l.approver}`, 255),
        ...(v.kind === "escalated" ? { style: "danger" as const } : { style: "primary" as const }),
      })),
    });
  }
  if (decision) {
    // Whoever clicks is identified by Slack (user.id, signed request), never by a link.
    blocks.push({
      type: "actions",
      block_id: clip(`decide-${decision.approvalId}`, 255),
      elements: [
        {
          type: "button",
          text: { type: "plain_text", text: "Approve" },
          action_id: "approve",
          value: encodeChatDecision(decision.approvalId, "approve", decision.digest),
          style: "primary",
        },
        {
          type: "button",
          text: { type: "plain_text", text: "Reject" },
          action_id: "reject",
          value: encodeChatDecision(decision.approvalId, "reject", decision.digest),
          style: "danger",
        },
      ],
    });
  }
  if (ackIncidentId) {
    blocks.push({
      type: "actions",
      block_id: clip(`ack-${ackIncidentId}`, 255),
      elements: [{ type: "button", text: { type: "plain_text", text: "Acknowledge" }, action_id: "ack", value: encodeChatAck(ackIncidentId) }],
    });
  }
  return { text: clip(`${titleOf(v)} — ${v.headline}`, SLACK_LIMITS.fallback), blocks, unfurl_links: false, unfurl_media: false };
}

/** A short notice under the live message (a decision, a result). */
export function renderSlackNotice(v: NotificationView): SlackMessage {
  return {
    text: clip(`${titleOf(v)} — ${v.headline}`, SLACK_LIMITS.fallback),
    blocks: [{ type: "section", text: mrkdwn(`*${escapeSlack(titleOf(v))}*\n${escapeSlack(v.headline)}\nIncident \`${v.incidentId}\``) }],
    unfurl_links: false,
    unfurl_media: false,
  };
}
