import type { Priority, Severity } from "../../contracts/alert.ts";
import type { ApproverRoster } from "../../contracts/approval.ts";
import { type ApproverLink, isSecurity, type Notification } from "./view.ts";

/** Which channels are configured, and where each kind of notice goes (seed 001 §4). */
export interface NotifyRouting {
  /**
   * Present when a bot token is configured. `buttons`: approve takes Telegram
   * callbacks (TELEGRAM_WEBHOOK_SECRET), so shared chats get Approve/Reject buttons.
   */
  readonly telegram:
    | {
        readonly teamChat?: string | undefined;
        readonly p0Chat?: string | undefined;
        readonly securityChat?: string | undefined;
        readonly buttons?: boolean | undefined;
      }
    | undefined;
  /** Present when any Slack webhook is configured; a severity's own webhook replaces the default. */
  readonly slack: { readonly defaultWebhook?: string | undefined; readonly bySeverity: Readonly<Partial<Record<Severity, string>>> } | undefined;
  /**
   * Present with a Slack app (SLACK_BOT_TOKEN, SLACK_CHANNEL_ID): its channels get Approve/Reject buttons.
   * A security or infrastructure notice goes to its category's channel instead of the default one when
   * that is set; a P0 goes to the P0 channel as well (seed 001 §4.2).
   */
  readonly slackApp?:
    | {
        readonly channel: string;
        readonly securityChannel?: string | undefined;
        readonly infraChannel?: string | undefined;
        readonly p0Channel?: string | undefined;
      }
    | undefined;
  /** Present with SMTP: the team's addresses (EMAIL_TO); approvers' own addresses are in the roster. */
  readonly email?: { readonly team: readonly string[] } | undefined;
  /** A ticket tracker is configured (TICKET_SYSTEM). */
  readonly ticket?: boolean | undefined;
  /** Priorities kept out of the live chats while nothing is asked of anyone (QUIET_PRIORITIES). */
  readonly quiet?: ReadonlySet<Priority> | undefined;
  /** Present with a routing key: pages for these priorities. */
  readonly pagerduty: { readonly priorities: ReadonlySet<Priority> } | undefined;
  readonly sentry: boolean;
  readonly webhook: boolean;
  readonly devInbox: boolean;
}

export type Target =
  | { readonly channel: "dev-inbox"; readonly recipient: "inbox"; readonly links: readonly ApproverLink[] }
  | {
      readonly channel: "telegram";
      readonly recipient: string;
      readonly chatId: string;
      /** Only in an approver's own chat, and only their link. */
      readonly links: readonly ApproverLink[];
      /** Approve/Reject callback buttons: whoever presses is identified by Telegram, not by a link. */
      readonly decisionButtons: boolean;
    }
  | {
      readonly channel: "slack";
      readonly recipient: string;
      readonly webhookUrl: string;
      readonly links: readonly ApproverLink[];
      readonly mentions: readonly string[];
    }
  | { readonly channel: "slack-app"; readonly recipient: string; readonly channelId: string; readonly decisionButtons: boolean }
  /** An approver's DM with the Slack app (opened with `conversations.open`): the one Slack place their link may go. */
  | { readonly channel: "slack-dm"; readonly recipient: string; readonly userId: string; readonly links: readonly ApproverLink[] }
  | { readonly channel: "pagerduty"; readonly recipient: "events"; readonly action: "trigger" | "resolve" }
  | { readonly channel: "sentry"; readonly recipient: string }
  | { readonly channel: "webhook"; readonly recipient: "webhook"; readonly links: readonly ApproverLink[] }
  /** The team's mail (no links), or one approver's own mail with only their link. */
  | { readonly channel: "email"; readonly recipient: string; readonly to: readonly string[]; readonly links: readonly ApproverLink[] }
  /** The incident's ticket: opened by its first notice, commented as it moves, closed when it resolves. */
  | { readonly channel: "ticket"; readonly recipient: "incident" };

/** Shared places people watch live; a quiet notice stays out of them (an approver's own chat or mail still hears). */
const LIVE_CHANNELS = new Set<Target["channel"]>(["telegram", "slack", "slack-app", "pagerduty", "email"]);
const isSharedLivePlace = (t: Target) => LIVE_CHANNELS.has(t.channel) && !t.recipient.startsWith("approver:");

/**
 * Quiet (seed 003, "99 % silent"): a notice about an incident of a quiet
 * priority, or a successful automatic fix. It stays out of the shared live
 * places (team chats, Slack channels and webhooks, the team's mail, paging);
 * approvers asked to decide still hear in their own chat or mail, and the
 * ticket, the webhook, the dev inbox, the API and the daily digest show it.
 * An escalation is never quiet: it exists to reach people.
 */
export function isQuiet(n: Notification, quiet: ReadonlySet<Priority> | undefined): boolean {
  if (n.kind === "escalated") return false;
  if (n.kind === "auto_approved") return true;
  if (n.kind === "execution_result" && n.execution?.automatic && n.execution.status === "succeeded") return true;
  return quiet?.has(n.alert.priority) === true;
}

/** Kinds that open a page or a Sentry comment: the first notice about an incident. */
const FIRST_NOTICE = new Set<Notification["kind"]>(["approval_requested", "auto_approved", "notify_only"]);

/**
 * Every delivery one notification needs. A signed per-approver link goes only
 * to that approver's own place (their Telegram chat with the bot, their DM
 * with the Slack app; the dev inbox in local dev): no shared chat, Slack channel or webhook ever holds one,
 * since anyone there could sign as that person. Shared Telegram chats get
 * callback buttons instead, when approve takes Telegram callbacks.
 */
export function routeNotification(
  n: Notification,
  links: readonly ApproverLink[],
  roster: ApproverRoster,
  routing: NotifyRouting,
  /** Approvers to reach in their own chats without a link (an incident's escalation: nothing to sign). */
  reach: readonly string[] = [],
): Target[] {
  const targets: Target[] = [];
  const personalNotices: ApproverLink[] = reach.filter((id) => !links.some((l) => l.approver === id)).map((id) => ({ approver: id, url: "" }));
  const personal = new Map(routing.telegram ? roster.flatMap((a) => (a.telegram_chat_id ? [[a.id, a.telegram_chat_id] as const] : [])) : []);
  const decisionWanted = links.length > 0 && n.approval_id !== undefined;

  if (routing.devInbox) targets.push({ channel: "dev-inbox", recipient: "inbox", links });

  if (routing.telegram) {
    const chats = new Set<string>();
    const { teamChat, p0Chat, securityChat } = routing.telegram;
    if (teamChat) chats.add(teamChat);
    if (p0Chat && n.alert.priority === "P0") chats.add(p0Chat);
    if (securityChat && isSecurity(n)) chats.add(securityChat);
    const buttons = decisionWanted && routing.telegram.buttons === true;
    for (const chatId of chats) targets.push({ channel: "telegram", recipient: `chat:${chatId}`, chatId, links: [], decisionButtons: buttons });
    for (const link of [...links, ...personalNotices]) {
      // A "personal" chat that is also a shared one is not private: no link there (the buttons serve).
      const chatId = personal.get(link.approver);
      if (chatId && !chats.has(chatId)) {
        targets.push({ channel: "telegram", recipient: `approver:${link.approver}`, chatId, links: link.url ? [link] : [], decisionButtons: false });
      }
    }
  }

  if (routing.slack) {
    const webhookUrl = routing.slack.bySeverity[n.alert.severity] ?? routing.slack.defaultWebhook;
    if (webhookUrl) {
      const mentions = links.length > 0 ? roster.flatMap((a) => (a.slack ? [a.slack] : [])) : [];
      targets.push({
        channel: "slack",
        recipient: n.alert.severity in routing.slack.bySeverity ? n.alert.severity : "default",
        webhookUrl,
        links: [],
        mentions,
      });
    }
  }

  if (routing.slackApp) {
    const { channel, securityChannel, infraChannel, p0Channel } = routing.slackApp;
    const channels = new Set([isSecurity(n) ? (securityChannel ?? channel) : (infraChannel ?? channel)]);
    if (p0Channel && n.alert.priority === "P0") channels.add(p0Channel);
    for (const channelId of channels) targets.push({ channel: "slack-app", recipient: `channel:${channelId}`, channelId, decisionButtons: decisionWanted });
    const slackUsers = new Map(roster.flatMap((a) => (a.slack_user_id ? [[a.id, a.slack_user_id] as const] : [])));
    for (const link of [...links, ...personalNotices]) {
      const userId = slackUsers.get(link.approver);
      if (userId) targets.push({ channel: "slack-dm", recipient: `approver:${link.approver}`, userId, links: link.url ? [link] : [] });
    }
  }

  if (routing.pagerduty?.priorities.has(n.alert.priority)) {
    if (FIRST_NOTICE.has(n.kind)) targets.push({ channel: "pagerduty", recipient: "events", action: "trigger" });
    if (n.kind === "resolved") targets.push({ channel: "pagerduty", recipient: "events", action: "resolve" });
  }

  const issueId = n.alert.labels?.issue_id;
  if (routing.sentry && n.alert.source === "sentry" && issueId && /^\d{1,20}$/.test(issueId) && FIRST_NOTICE.has(n.kind)) {
    targets.push({ channel: "sentry", recipient: issueId });
  }

  if (routing.email) {
    if (routing.email.team.length > 0) targets.push({ channel: "email", recipient: "team", to: routing.email.team, links: [] });
    const addresses = new Map(roster.flatMap((a) => (a.email ? [[a.id, a.email] as const] : [])));
    for (const link of [...links, ...personalNotices]) {
      const address = addresses.get(link.approver);
      if (address) targets.push({ channel: "email", recipient: `approver:${link.approver}`, to: [address], links: link.url ? [link] : [] });
    }
  }

  if (routing.ticket) targets.push({ channel: "ticket", recipient: "incident" });
  if (routing.webhook) targets.push({ channel: "webhook", recipient: "webhook", links: [] });
  return isQuiet(n, routing.quiet) ? targets.filter((t) => !isSharedLivePlace(t)) : targets;
}

/** The team places a digest goes to: the team chat, the Slack channel (or default webhook), the team's mail, the dev inbox. */
export function digestTargets(routing: NotifyRouting): Target[] {
  const targets: Target[] = [];
  if (routing.devInbox) targets.push({ channel: "dev-inbox", recipient: "inbox", links: [] });
  const teamChat = routing.telegram?.teamChat;
  if (teamChat) targets.push({ channel: "telegram", recipient: `chat:${teamChat}`, chatId: teamChat, links: [], decisionButtons: false });
  if (routing.slackApp) {
    const channelId = routing.slackApp.channel;
    targets.push({ channel: "slack-app", recipient: `channel:${channelId}`, channelId, decisionButtons: false });
  } else if (routing.slack?.defaultWebhook) {
    targets.push({ channel: "slack", recipient: "default", webhookUrl: routing.slack.defaultWebhook, links: [], mentions: [] });
  }
  if (routing.email && routing.email.team.length > 0) targets.push({ channel: "email", recipient: "team", to: routing.email.team, links: [] });
  return targets;
}
