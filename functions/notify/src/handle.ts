import type { ApproverRoster } from "../../../shared/contracts/approval.ts";
import type { Digest } from "../../../shared/contracts/digest.ts";
import { deadLetter, type EnvelopeMeta, notifyRequested } from "../../../shared/contracts/envelopes.ts";
import type {
  ApprovalChangedV1,
  DeadLetterV1,
  DigestReadyV1,
  IncidentAcknowledgedV1,
  IncidentAdmittedV1,
  IncidentEscalatedV1,
  NotifyRequestedV2,
  TicketRepeatedV1,
} from "../../../shared/contracts/queue.ts";
import { approvalLinkUrl, signLink } from "../../../shared/domain/approval-link.ts";
import { renderDigestEmail, renderDigestSlack, renderDigestTelegram, renderDigestText } from "../../../shared/domain/notify/digest.ts";
import { renderEmail } from "../../../shared/domain/notify/email.ts";
import { type Delivery, liveKey, liveKeyOf, type Occasion, planDeliveries } from "../../../shared/domain/notify/live.ts";
import { type PagerDutyEvent, renderPagerDuty } from "../../../shared/domain/notify/pagerduty.ts";
import { digestTargets, type NotifyRouting, routeNotification, type Target } from "../../../shared/domain/notify/routing.ts";
import { renderSentryComment } from "../../../shared/domain/notify/sentry.ts";
import { renderSlack, renderSlackNotice, type SlackMessage } from "../../../shared/domain/notify/slack.ts";
import { renderTelegram, renderTelegramNotice, type TelegramMessage } from "../../../shared/domain/notify/telegram.ts";
import { repeatCommentOf, ticketCommentOf, ticketOf } from "../../../shared/domain/notify/ticket.ts";
import {
  type ApproverLink,
  admittedNotification,
  admittedView,
  type NotificationView,
  notificationView,
  type Occurrences,
} from "../../../shared/domain/notify/view.ts";
import { renderPlainText } from "../../../shared/domain/render/plain-text.ts";
import { approversAtStep } from "../../../shared/domain/roster.ts";
import { smokeRunOf } from "../../../shared/domain/smoke.ts";
import type { Log } from "../../../shared/logging.ts";
import type { DeliveryOutcome } from "../../../shared/ports/channel-sender.ts";
import type { DevInbox } from "../../../shared/ports/dev-inbox.ts";
import type { IncidentTickets } from "../../../shared/ports/incident-tickets.ts";
import type { LiveMessage, LiveMessageLog } from "../../../shared/ports/live-messages.ts";
import type { MailSender } from "../../../shared/ports/mail-sender.ts";
import type { Metrics } from "../../../shared/ports/metrics.ts";
import type { NotificationLedger } from "../../../shared/ports/notification-ledger.ts";
import type { SmokeLedger } from "../../../shared/ports/smoke-ledger.ts";
import type { TicketTracker } from "../../../shared/ports/ticket-tracker.ts";
import { RetryLaterError } from "../../../shared/queue/consume.ts";

export type { ApproverLink };

/** The configured channels' senders; a channel without configuration is absent. */
export interface Channels {
  readonly telegram?: {
    readonly send: (chatId: string, message: TelegramMessage) => Promise<DeliveryOutcome>;
    readonly edit: (chatId: string, messageId: string, message: TelegramMessage) => Promise<DeliveryOutcome>;
  };
  readonly slack?: (webhookUrl: string, message: SlackMessage) => Promise<DeliveryOutcome>;
  readonly slackApp?: {
    readonly postMessage: (channel: string, message: SlackMessage) => Promise<DeliveryOutcome>;
    readonly update: (channel: string, ts: string, message: SlackMessage) => Promise<DeliveryOutcome>;
    /** To a member's DM with the app (`conversations.open` first). */
    readonly postDirect: (userId: string, message: SlackMessage) => Promise<DeliveryOutcome>;
  };
  readonly pagerduty?: { readonly routingKey: string; readonly send: (event: PagerDutyEvent) => Promise<DeliveryOutcome> };
  readonly sentry?: (issueId: string, text: string) => Promise<DeliveryOutcome>;
  readonly webhook?: (body: unknown, idempotencyKey: string) => Promise<DeliveryOutcome>;
  readonly email?: MailSender;
  readonly ticket?: TicketTracker;
}

export interface NotifyDeps {
  readonly approvers: ApproverRoster;
  readonly linkKey: string;
  readonly baseUrl: string;
  readonly routing: NotifyRouting;
  readonly channels: Channels;
  readonly ledger: NotificationLedger;
  /** The chat messages already sent per incident, edited as it moves. */
  readonly live: LiveMessageLog;
  readonly log: Log;
  /** Present in local dev only. */
  readonly inbox: DevInbox | undefined;
  readonly occurrences: (incidentId: string) => Promise<Occurrences | undefined>;
  /** Records one recipient's permanent failure where ops can list it. */
  readonly deadLetter: (entry: DeadLetterV1) => Promise<void>;
  readonly metrics: Metrics;
  /** The smoke sink: synthetic runs are stamped here and sent nowhere else. */
  readonly smoke: SmokeLedger;
  /** The ticket reference on each incident; present with a ticket tracker (it needs DATABASE_URL). */
  readonly tickets: IncidentTickets | undefined;
  readonly now: () => Date;
}

/** Idempotency keys outlive any redelivery window of the queue. */
const LEDGER_TTL_SECONDS = 7 * 86_400;
/** A send still "in flight" after this long is presumed lost with its isolate, and retried. */
const IN_FLIGHT_SECONDS = 120;

/**
 * One signed link per approver the notice is for: each person's link names
 * them, so signatures are attributable. A request goes to the lowest roster
 * level present; escalation step N to the N-th next level present.
 */
export async function approverLinks(n: NotifyRequestedV2["payload"], deps: Pick<NotifyDeps, "approvers" | "linkKey" | "baseUrl">): Promise<ApproverLink[]> {
  const { approval_id: approvalId, expires_at: expiresAt } = n;
  if (!approvalId || !expiresAt) return [];
  const step = n.kind === "escalated" ? (n.escalation?.level ?? 0) : 0;
  return Promise.all(approversAtStep(deps.approvers, step).map(({ id }) => linkFor(id, approvalId, expiresAt, deps)));
}

async function linkFor(approver: string, approvalId: string, expiresAt: number, deps: Pick<NotifyDeps, "linkKey" | "baseUrl">): Promise<ApproverLink> {
  const claims = { approvalId, approver, expiresAt };
  return { approver, url: approvalLinkUrl(deps.baseUrl, claims, await signLink(claims, deps.linkKey)) };
}

/**
 * Delivers one notification to every recipient its routing names. Each
 * (notification, channel, recipient) is guarded by its own ledger key, so a
 * redelivered message — or a retry after one channel failed — sends only what
 * has not been sent. A recipient that fails for good is dead-lettered with the
 * reason; if any failed transiently, the message is retried (after the longest
 * `retry_after` a channel asked for).
 */
export async function handleNotifyRequested(message: NotifyRequestedV2, deps: NotifyDeps): Promise<void> {
  const n = message.payload;
  const smokeRun = smokeRunOf(n.alert);
  if (smokeRun) {
    if (n.kind !== "resolved") await deps.smoke.stamp(smokeRun, "notified", deps.now().getTime());
    return;
  }
  // Links go out while a decision is still wanted: the request itself, and each escalation of it.
  const links = n.kind === "approval_requested" || n.kind === "escalated" ? await approverLinks(n, deps) : [];
  const view = await withTicket(notificationView(n, await deps.occurrences(n.incident_id).catch(() => undefined)), deps);
  const targets = routeNotification(n, links, deps.approvers, deps.routing);
  await deliverAll(message, view, planDeliveries(n.kind, message.id, targets, await liveMessages(n.incident_id, deps)), deps, n.kind);
}

/**
 * A new P0/P1, announced at admission (before any verdict): to the chats, the
 * Slack channel, PagerDuty and the webhook, without links — nothing can be
 * decided yet. Its own message id, so the later verdict notice is separate.
 */
export async function handleIncidentAdmitted(message: IncidentAdmittedV1, deps: NotifyDeps): Promise<void> {
  const { incident_id: incidentId, fingerprint, alert } = message.payload;
  if (smokeRunOf(alert)) return;
  const notice = notifyRequested(admittedNotification(incidentId, fingerprint, alert), metaOf(message));
  const view = await withTicket(admittedView(notice.payload, await deps.occurrences(incidentId).catch(() => undefined)), deps);
  // Sentry gets the analysis, not the announcement.
  const targets = routeNotification(notice.payload, [], deps.approvers, deps.routing).filter((t) => t.channel !== "sentry");
  await deliverAll(notice, view, planDeliveries("admitted", message.id, targets, await liveMessages(incidentId, deps)), deps, "admitted");
}

/**
 * A signature or decision on an approval: every message already sent about
 * the incident is edited to show it; a decision is also announced, briefly, in
 * the team places (and to the webhook).
 */
export async function handleApprovalChanged(message: ApprovalChangedV1, deps: NotifyDeps): Promise<void> {
  const { change, notification } = message.payload;
  if (smokeRunOf(notification.alert)) return;
  const notice = notifyRequested(notification, metaOf(message));
  const occasion: Occasion = change === "signed" ? "signed" : "decided";
  const view = await withTicket(notificationView(notification, await deps.occurrences(notification.incident_id).catch(() => undefined)), deps);
  const targets = routeNotification(notification, [], deps.approvers, deps.routing).filter((t) =>
    occasion === "signed" ? t.channel === "dev-inbox" : t.channel !== "pagerduty" && t.channel !== "sentry" && !t.recipient.startsWith("approver:"),
  );
  await deliverAll(notice, view, planDeliveries(occasion, message.id, targets, await liveMessages(notification.incident_id, deps)), deps, occasion);
}

/**
 * An incident climbing the ladder with nothing to sign: the team places and
 * the people of the level reached hear of it, each with an Acknowledge button.
 */
export async function handleIncidentEscalated(message: IncidentEscalatedV1, deps: NotifyDeps): Promise<void> {
  const p = message.payload;
  if (smokeRunOf(p.alert)) return;
  const minutes = Math.round(p.overdue_seconds / 60);
  const why =
    p.reason === "unacknowledged" ? `nobody acknowledged it, ${minutes} min past the response SLA` : `still unresolved, ${minutes} min past the resolution SLA`;
  const { notification, notice, view } = await incidentNotice(
    message,
    `ESCALATED to ${p.role}: ${why}. Acknowledge to stop the escalation (/ack ${p.incident_id}).`,
    deps,
  );
  const reach = approversAtStep(deps.approvers, p.level).map((a) => a.id);
  const targets = routeNotification(notification, [], deps.approvers, deps.routing, reach).filter((t) => t.channel !== "pagerduty" && t.channel !== "sentry");
  await deliverAll(notice, view, planDeliveries("incident_escalated", message.id, targets, []), deps, "incident_escalated");
}

/**
 * The daily digest, to the team places only (never to one approver's own
 * chat): one message each, with the same ledger, retries and dead letters as
 * every notice.
 */
export async function handleDigestReady(message: DigestReadyV1, deps: NotifyDeps): Promise<void> {
  const digest = message.payload;
  await runJobs(
    digestTargets(deps.routing).map(
      (target): Job => ({
        key: `${message.id}:${target.channel}:${target.recipient}`,
        where: `${target.channel}:${target.recipient}`,
        metric: { name: "awoooi_notifications_total", channel: target.channel },
        run: () => sendDigest(target, digest, message.id, deps),
        onPermanent: (reason) => deps.deadLetter(deadLetterFor({ ...message, payload: { kind: "digest" } }, target, reason, deps.now())),
      }),
    ),
    deps,
  );
}

async function sendDigest(target: Target, digest: Digest, messageId: string, deps: NotifyDeps): Promise<DeliveryOutcome> {
  const { channels } = deps;
  switch (target.channel) {
    case "dev-inbox": {
      const text = renderDigestText(digest);
      await deps.inbox?.deliver({ incident_id: "", approval_id: null, kind: "digest", text, links: [], at: deps.now().toISOString() });
      console.log(`\n── dev inbox ──\n${text}\n`);
      return { kind: "sent" };
    }
    case "telegram":
      return channels.telegram ? channels.telegram.send(target.chatId, renderDigestTelegram(digest)) : notConfigured("telegram");
    case "slack-app":
      return channels.slackApp ? channels.slackApp.postMessage(target.channelId, renderDigestSlack(digest)) : notConfigured("slack-app");
    case "slack":
      return channels.slack ? channels.slack(target.webhookUrl, renderDigestSlack(digest)) : notConfigured("slack");
    case "email":
      return channels.email
        ? channels.email({ to: target.to, ...renderDigestEmail(digest), messageId: messageIdOf(`${messageId}:email:${target.recipient}`) })
        : notConfigured("email");
    default:
      return notConfigured(target.channel);
  }
}

/** An open incident kept firing: one comment on its ticket with the new count (approve's hourly sweep decides when). */
export async function handleTicketRepeated(message: TicketRepeatedV1, deps: NotifyDeps): Promise<void> {
  const p = message.payload;
  const target: Target = { channel: "ticket", recipient: "incident" };
  await runJobs(
    [
      {
        key: `${message.id}:ticket`,
        where: `ticket:${p.ticket.system}:${p.ticket.key}`,
        metric: { name: "awoooi_notifications_total", channel: "ticket" },
        run: () =>
          deps.channels.ticket
            ? deps.channels.ticket.comment(p.ticket, repeatCommentOf(p.hit_count, p.reported_hits, p.last_seen))
            : Promise.resolve(notConfigured("ticket")),
        onPermanent: (reason) =>
          deps.deadLetter(deadLetterFor({ ...message, payload: { kind: "ticket_repeated", incident_id: p.incident_id } }, target, reason, deps.now())),
      },
    ],
    deps,
  );
}

/**
 * Somebody is on an incident with nothing to sign: its live messages say who,
 * and lose the Acknowledge button. Nothing new is sent to the chats.
 */
export async function handleIncidentAcknowledged(message: IncidentAcknowledgedV1, deps: NotifyDeps): Promise<void> {
  const p = message.payload;
  if (smokeRunOf(p.alert)) return;
  const { notification, notice, view } = await incidentNotice(message, `Acknowledged by ${p.by} at ${p.at}: they are on it.`, deps);
  const targets = routeNotification(notification, [], deps.approvers, deps.routing).filter((t) => t.channel === "dev-inbox");
  await deliverAll(notice, view, planDeliveries("acknowledged", message.id, targets, await liveMessages(p.incident_id, deps)), deps, "acknowledged");
}

/**
 * A notice about an incident with nothing to sign (escalated, acknowledged):
 * its verdict when there is one, the admission's words otherwise, under a
 * headline saying what happened.
 */
async function incidentNotice(message: IncidentEscalatedV1 | IncidentAcknowledgedV1, headline: string, deps: NotifyDeps) {
  const p = message.payload;
  const base = admittedNotification(p.incident_id, p.fingerprint, p.alert);
  const notification = { ...base, rca: p.rca ?? base.rca };
  const view = { ...(p.rca ? notificationView(notification, undefined) : admittedView(notification, undefined)), headline };
  return { notification, notice: notifyRequested(notification, metaOf(message)), view: await withTicket(view, deps) };
}

/**
 * The view with the incident's ticket, read once per notice: messages link to
 * it and the ticket delivery comments on it. A database that does not answer
 * only leaves the link out (the delivery then re-reads under its opening claim).
 */
async function withTicket(view: NotificationView, deps: NotifyDeps): Promise<NotificationView> {
  if (!deps.tickets) return view;
  const ticket = await deps.tickets.get(view.incidentId).catch((error: unknown) => {
    deps.log("ticket_unreadable", { incident_id: view.incidentId, error: String(error) });
    return undefined;
  });
  return { ...view, ticket };
}

/** The live messages of an incident; without Redis's answer, nothing is edited and everything is sent new. */
async function liveMessages(incidentId: string, deps: NotifyDeps): Promise<LiveMessage[]> {
  try {
    return await deps.live.list(incidentId);
  } catch (error) {
    deps.log("live_messages_unavailable", { incident_id: incidentId, error: String(error) });
    return [];
  }
}

function deliverAll(message: NotifyRequestedV2, view: NotificationView, deliveries: readonly Delivery[], deps: NotifyDeps, occasion: Occasion): Promise<void> {
  return runJobs(
    deliveries.map((delivery): Job => {
      const edit = delivery.mode === "edit";
      return {
        key: ledgerKey(message.id, delivery, view),
        where: edit ? liveKey(delivery.message) : `${delivery.target.channel}:${delivery.target.recipient}`,
        metric: edit
          ? { name: "awoooi_message_edits_total", channel: delivery.message.channel }
          : { name: "awoooi_notifications_total", channel: delivery.target.channel },
        run: () => perform(delivery, message, view, deps, occasion),
        onSent: async (outcome) => {
          if (delivery.mode === "send" && outcome.ref) await rememberLive(message.payload.incident_id, message.id, delivery.target, outcome.ref, deps);
        },
        // A message someone deleted cannot be edited: nothing was lost, so no dead letter.
        onPermanent: (reason, where) =>
          edit
            ? Promise.resolve(deps.log("live_message_edit_failed", { where, reason }))
            : deps.deadLetter(deadLetterFor(message, delivery.target, reason, deps.now())),
      };
    }),
    deps,
  );
}

/** One delivery to one place, guarded by its own ledger key. */
interface Job {
  readonly key: string;
  /** Where it goes, for logs and retry reasons. */
  readonly where: string;
  readonly metric: { readonly name: "awoooi_notifications_total" | "awoooi_message_edits_total"; readonly channel: string };
  readonly run: () => Promise<DeliveryOutcome>;
  readonly onSent?: (outcome: Extract<DeliveryOutcome, { kind: "sent" }>) => Promise<void>;
  readonly onPermanent: (reason: string, where: string) => Promise<void>;
}

/**
 * Runs each job that its ledger key does not mark done. A job that fails for
 * good is handed to its `onPermanent` (a dead letter, mostly); if any failed
 * transiently, the message is retried (after the longest `retry_after` a
 * channel asked for) and only what is not done runs again.
 */
async function runJobs(jobs: readonly Job[], deps: NotifyDeps): Promise<void> {
  const retries: Array<{ reason: string; afterSeconds?: number | undefined }> = [];

  for (const job of jobs) {
    const state = await deps.ledger.begin(job.key, IN_FLIGHT_SECONDS);
    if (state === "done") continue;
    if (state === "busy") {
      retries.push({ reason: `${job.where} is being delivered by another attempt`, afterSeconds: 30 });
      continue;
    }
    const outcome = await job
      .run()
      .catch((error): DeliveryOutcome => ({ kind: "retry", reason: `${job.where} failed: ${error instanceof Error ? error.message : String(error)}` }));
    await deps.metrics.increment(job.metric.name, { channel: job.metric.channel, outcome: outcome.kind });
    switch (outcome.kind) {
      case "sent":
        await job.onSent?.(outcome);
        await deps.ledger.complete(job.key, LEDGER_TTL_SECONDS);
        break;
      case "retry":
        await deps.ledger.abandon(job.key);
        retries.push(outcome);
        break;
      case "permanent":
        await job.onPermanent(outcome.reason, job.where);
        await deps.ledger.complete(job.key, LEDGER_TTL_SECONDS);
        break;
    }
  }

  if (retries.length > 0) {
    const after = Math.max(0, ...retries.map((r) => r.afterSeconds ?? 0));
    const reason = retries.map((r) => r.reason).join("; ");
    if (after > 0) throw new RetryLaterError(reason, after);
    throw new Error(reason);
  }
}

/**
 * Sentry comments are keyed by issue and content, not by message: the same
 * analysis is never posted to an issue twice, whichever message carried it.
 */
function ledgerKey(messageId: string, delivery: Delivery, view: NotificationView): string {
  if (delivery.mode === "edit") return `${messageId}:edit:${liveKey(delivery.message)}`;
  const { target } = delivery;
  if (target.channel === "sentry") return `sentry:${target.recipient}:${view.incidentId}:${view.kind}`;
  return `${messageId}:${delivery.mode === "notice" ? "notice:" : ""}${target.channel}:${target.recipient}`;
}

/** The first message per chat and incident becomes the live one; its id comes from the channel's answer. */
async function rememberLive(incidentId: string, origin: string, target: Target, ref: string, deps: NotifyDeps): Promise<void> {
  const key = liveKeyOf(target);
  if (!key) return;
  const approver = target.recipient.startsWith("approver:") ? target.recipient.slice("approver:".length) : undefined;
  let message: LiveMessage | undefined;
  if (target.channel === "telegram") message = { channel: "telegram", recipient: target.recipient, chat: target.chatId, messageId: ref, origin, approver };
  else {
    const [chat, ts] = ref.split("/");
    if (chat && ts) message = { channel: "slack-app", recipient: target.recipient, chat, messageId: ts, origin, approver };
  }
  if (!message) return;
  // The message is out either way: losing its id only means later changes arrive as new messages.
  await deps.live.remember(incidentId, message).catch((error) => deps.log("live_message_unrecorded", { key, error: String(error) }));
}

/** Which occasions carry an Acknowledge button: notices with nothing to sign, while nobody has said they are on it. */
const ACKABLE = new Set<Occasion>(["notify_only", "admitted", "incident_escalated"]);

function buttonsFor(n: NotifyRequestedV2["payload"], occasion: Occasion) {
  const pending = n.approval_id !== undefined && (n.kind === "approval_requested" || n.kind === "escalated") && (n.approval_status ?? "PENDING") === "PENDING";
  return {
    decision: pending && n.approval_id ? { approvalId: n.approval_id, digest: n.action?.digest ?? null } : undefined,
    ack: ACKABLE.has(occasion) && !n.approval_id ? n.incident_id : undefined,
  };
}

function perform(delivery: Delivery, message: NotifyRequestedV2, view: NotificationView, deps: NotifyDeps, occasion: Occasion): Promise<DeliveryOutcome> {
  if (delivery.mode === "edit") return edit(delivery.message, message.payload, view, deps, occasion);
  if (delivery.mode === "notice") return notice(delivery.target, message, view, deps, occasion);
  return send(delivery.target, message, view, deps, occasion);
}

/** Re-renders a live message as the incident stands now: an approver's own message keeps their link while it is pending. */
async function edit(
  live: LiveMessage,
  n: NotifyRequestedV2["payload"],
  view: NotificationView,
  deps: NotifyDeps,
  occasion: Occasion,
): Promise<DeliveryOutcome> {
  const { decision, ack } = buttonsFor(n, occasion);
  const links = decision && live.approver && n.approval_id && n.expires_at ? [await linkFor(live.approver, n.approval_id, n.expires_at, deps)] : [];
  const team = live.approver === undefined;
  if (live.channel === "telegram") {
    if (!deps.channels.telegram) return notConfigured("telegram");
    const buttons = team && deps.routing.telegram?.buttons === true ? decision : undefined;
    return deps.channels.telegram.edit(live.chat, live.messageId, renderTelegram(view, links, buttons, team ? ack : undefined));
  }
  if (!deps.channels.slackApp) return notConfigured("slack-app");
  return deps.channels.slackApp.update(live.chat, live.messageId, renderSlack(view, links, [], team ? decision : undefined, team ? ack : undefined));
}

/** A short line in a team place under its live message; the dev inbox and webhook get their usual full entry. */
function notice(target: Target, message: NotifyRequestedV2, view: NotificationView, deps: NotifyDeps, occasion: Occasion): Promise<DeliveryOutcome> {
  switch (target.channel) {
    case "telegram":
      return deps.channels.telegram ? deps.channels.telegram.send(target.chatId, renderTelegramNotice(view)) : Promise.resolve(notConfigured("telegram"));
    case "slack-app":
      return deps.channels.slackApp
        ? deps.channels.slackApp.postMessage(target.channelId, renderSlackNotice(view))
        : Promise.resolve(notConfigured("slack-app"));
    case "slack":
      return deps.channels.slack ? deps.channels.slack(target.webhookUrl, renderSlackNotice(view)) : Promise.resolve(notConfigured("slack"));
    default:
      return send(target, message, view, deps, occasion);
  }
}

async function send(target: Target, message: NotifyRequestedV2, view: NotificationView, deps: NotifyDeps, kind: Occasion): Promise<DeliveryOutcome> {
  const n = message.payload;
  const { channels } = deps;
  const { decision, ack } = buttonsFor(n, kind);
  switch (target.channel) {
    case "dev-inbox": {
      const text = renderPlainText(view);
      await deps.inbox?.deliver({
        incident_id: n.incident_id,
        approval_id: n.approval_id ?? null,
        kind,
        text,
        links: target.links,
        at: deps.now().toISOString(),
      });
      console.log(`\n── dev inbox ──\n${text}\n${target.links.map((l) => `  ${l.approver}: ${l.url}`).join("\n")}\n`);
      return { kind: "sent" };
    }
    case "telegram":
      return channels.telegram
        ? channels.telegram.send(target.chatId, renderTelegram(view, target.links, target.decisionButtons ? decision : undefined, ack))
        : notConfigured("telegram");
    case "slack":
      return channels.slack ? channels.slack(target.webhookUrl, renderSlack(view, target.links, target.mentions)) : notConfigured("slack");
    case "slack-app":
      return channels.slackApp
        ? channels.slackApp.postMessage(target.channelId, renderSlack(view, [], [], target.decisionButtons ? decision : undefined, ack))
        : notConfigured("slack-app");
    case "slack-dm":
      return channels.slackApp ? channels.slackApp.postDirect(target.userId, renderSlack(view, target.links, [], undefined, ack)) : notConfigured("slack-app");
    case "pagerduty":
      return channels.pagerduty
        ? channels.pagerduty.send(
            renderPagerDuty(view, channels.pagerduty.routingKey, target.action, n.alert.fired_at, n.alert.namespace, n.alert.target_resource),
          )
        : notConfigured("pagerduty");
    case "sentry":
      return channels.sentry ? channels.sentry(target.recipient, renderSentryComment(view)) : notConfigured("sentry");
    case "email":
      return channels.email
        ? channels.email({ to: target.to, ...renderEmail(view, target.links), messageId: messageIdOf(`${message.id}:email:${target.recipient}`) })
        : notConfigured("email");
    case "ticket":
      return ticket(view, kind, deps);
    case "webhook":
      return channels.webhook
        ? channels.webhook(
            {
              id: message.id,
              kind,
              occurred_at: message.occurredAt,
              incident_id: n.incident_id,
              approval_id: n.approval_id ?? null,
              fingerprint: n.fingerprint,
              title: `[${view.priority}] ${view.alertType}${view.where ? ` on ${view.where}` : ""}`,
              headline: view.headline,
              alert: { ...n.alert, raw_payload: undefined },
              rca: n.rca,
              seen: view.seen,
              approval: n.approval_id
                ? { status: n.approval_status ?? null, required_signatures: n.required_signatures, signatures: n.signatures, expires_at: n.expires_at ?? null }
                : null,
              escalation: n.escalation ?? null,
              execution: n.execution ?? null,
              links: target.links,
              source_url: view.sourceLink?.url ?? null,
            },
            `${message.id}:webhook`,
          )
        : notConfigured("webhook");
  }
}

const notConfigured = (channel: string): DeliveryOutcome => ({ kind: "permanent", reason: `${channel} is routed but not configured` });

/** The same delivery keeps the same Message-ID across retries (a dot-atom: no colons). */
const messageIdOf = (key: string) => `<${key.replace(/[^A-Za-z0-9-]+/g, "-").slice(0, 180)}@awoooi.edge>`;

/** Occasions that say nothing a ticket needs: a lone signature, an acknowledgement (the approval's outcome and the incident's end do). */
const NOT_FOR_TICKETS = new Set<Occasion>(["signed", "acknowledged"]);

/**
 * The incident's one ticket: the first notice opens it (whichever comes first,
 * the admission or the verdict), later ones comment on it, the resolution
 * comments and closes it. Opening is claimed per incident in the ledger, so
 * two notices racing open one ticket, and a ticket whose reference could not
 * be stored is never opened a second time.
 */
async function ticket(view: NotificationView, occasion: Occasion, deps: NotifyDeps): Promise<DeliveryOutcome> {
  const tracker = deps.channels.ticket;
  const store = deps.tickets;
  if (!tracker || !store) return notConfigured("ticket");
  if (NOT_FOR_TICKETS.has(occasion)) return { kind: "sent" };
  // Read with the view (withTicket), not again here.
  const existing = view.ticket;
  if (existing) {
    const commented = await tracker.comment(existing, ticketCommentOf(view, occasion));
    return commented.kind === "sent" && occasion === "resolved" ? tracker.close(existing) : commented;
  }
  // An incident that resolved without ever being ticketed has nothing to close.
  if (occasion === "resolved") return { kind: "sent" };
  const claim = `ticket-open:${view.incidentId}`;
  const state = await deps.ledger.begin(claim, IN_FLIGHT_SECONDS);
  if (state === "busy") return { kind: "retry", reason: "the incident's ticket is being opened by another notice", afterSeconds: 30 };
  if (state === "done") {
    const ref = await store.get(view.incidentId);
    return ref ? tracker.comment(ref, ticketCommentOf(view, occasion)) : { kind: "sent" };
  }
  const opened = await tracker.open(ticketOf(view));
  if (opened.kind !== "opened") {
    await deps.ledger.abandon(claim);
    return opened;
  }
  await deps.ledger.complete(claim, LEDGER_TTL_SECONDS);
  const stored = await store.attach(view.incidentId, opened.ref, deps.now()).catch((error: unknown) => {
    deps.log("ticket_unrecorded", { incident_id: view.incidentId, ticket: opened.ref.url, error: String(error) });
    return true;
  });
  if (!stored) deps.log("ticket_not_attached", { incident_id: view.incidentId, ticket: opened.ref.url });
  deps.log("ticket_opened", { incident_id: view.incidentId, ticket: opened.ref.url });
  return { kind: "sent", ref: opened.ref.url };
}

function deadLetterFor(
  message: { readonly id: string; readonly correlationId: string; readonly payload: { readonly kind?: string; readonly incident_id?: string } },
  target: Target,
  reason: string,
  at: Date,
): DeadLetterV1 {
  return deadLetter(
    {
      queue: "awoooi-notify",
      message_id: `${message.id}:${target.channel}:${target.recipient}`,
      reason: `${target.channel} → ${target.recipient}: ${reason}`.slice(0, 2_000),
      attempts: 1,
      body: {
        notification: message.id,
        channel: target.channel,
        recipient: target.recipient,
        kind: message.payload.kind ?? "notice",
        incident_id: message.payload.incident_id ?? null,
      },
    },
    { id: `dlq:awoooi-notify:${message.id}:${target.channel}:${target.recipient}`, at, correlationId: message.correlationId },
  );
}

/** A notice made from another message keeps its id, time and correlation. */
const metaOf = (message: { id: string; occurredAt: string; correlationId: string }): EnvelopeMeta => ({
  id: message.id,
  at: new Date(message.occurredAt),
  correlationId: message.correlationId,
});
