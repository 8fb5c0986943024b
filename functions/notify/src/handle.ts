import type { ApproverRoster } from "../../../shared/contracts/approval.ts";
import type { DeadLetterV1, IncidentAdmittedV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { approvalLinkUrl, signLink } from "../../../shared/domain/approval-link.ts";
import { type PagerDutyEvent, renderPagerDuty } from "../../../shared/domain/notify/pagerduty.ts";
import { type NotifyRouting, routeNotification, type Target } from "../../../shared/domain/notify/routing.ts";
import { renderSentryComment } from "../../../shared/domain/notify/sentry.ts";
import { renderSlack, type SlackMessage } from "../../../shared/domain/notify/slack.ts";
import { renderTelegram, type TelegramMessage } from "../../../shared/domain/notify/telegram.ts";
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
import type { DeliveryOutcome } from "../../../shared/ports/channel-sender.ts";
import type { DevInbox } from "../../../shared/ports/dev-inbox.ts";
import type { Metrics } from "../../../shared/ports/metrics.ts";
import type { NotificationLedger } from "../../../shared/ports/notification-ledger.ts";
import type { SmokeLedger } from "../../../shared/ports/smoke-ledger.ts";
import { RetryLaterError } from "../../../shared/queue/consume.ts";

export type { ApproverLink };

/** The configured channels' senders; a channel without configuration is absent. */
export interface Channels {
  readonly telegram?: (chatId: string, message: TelegramMessage) => Promise<DeliveryOutcome>;
  readonly slack?: (webhookUrl: string, message: SlackMessage) => Promise<DeliveryOutcome>;
  readonly slackApp?: (channel: string, message: SlackMessage) => Promise<DeliveryOutcome>;
  readonly pagerduty?: { readonly routingKey: string; readonly send: (event: PagerDutyEvent) => Promise<DeliveryOutcome> };
  readonly sentry?: (issueId: string, text: string) => Promise<DeliveryOutcome>;
  readonly webhook?: (body: unknown, idempotencyKey: string) => Promise<DeliveryOutcome>;
}

export interface NotifyDeps {
  readonly approvers: ApproverRoster;
  readonly linkKey: string;
  readonly baseUrl: string;
  readonly routing: NotifyRouting;
  readonly channels: Channels;
  readonly ledger: NotificationLedger;
  /** Present in local dev only. */
  readonly inbox: DevInbox | undefined;
  readonly occurrences: (incidentId: string) => Promise<Occurrences | undefined>;
  /** Records one recipient's permanent failure where ops can list it. */
  readonly deadLetter: (entry: DeadLetterV1) => Promise<void>;
  readonly metrics: Metrics;
  /** The smoke sink: synthetic runs are stamped here and sent nowhere else. */
  readonly smoke: SmokeLedger;
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
  return Promise.all(
    approversAtStep(deps.approvers, step).map(async ({ id }) => {
      const claims = { approvalId, approver: id, expiresAt };
      return { approver: id, url: approvalLinkUrl(deps.baseUrl, claims, await signLink(claims, deps.linkKey)) };
    }),
  );
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
  const view = notificationView(n, await deps.occurrences(n.incident_id).catch(() => undefined));
  await deliverAll(message, view, routeNotification(n, links, deps.approvers, deps.routing), deps);
}

/**
 * A new P0/P1, announced at admission (before any verdict): to the chats, the
 * Slack channel, PagerDuty and the webhook, without links — nothing can be
 * decided yet. Its own message id, so the later verdict notice is separate.
 */
export async function handleIncidentAdmitted(message: IncidentAdmittedV1, deps: NotifyDeps): Promise<void> {
  const { incident_id: incidentId, fingerprint, alert } = message.payload;
  if (smokeRunOf(alert)) return;
  const notice: NotifyRequestedV2 = {
    type: "notify.requested",
    version: 2,
    id: message.id,
    occurredAt: message.occurredAt,
    correlationId: message.correlationId,
    payload: admittedNotification(incidentId, fingerprint, alert),
  };
  const view = admittedView(notice.payload, await deps.occurrences(incidentId).catch(() => undefined));
  // Sentry gets the analysis, not the announcement.
  const targets = routeNotification(notice.payload, [], deps.approvers, deps.routing).filter((t) => t.channel !== "sentry");
  await deliverAll(notice, view, targets, deps, "admitted");
}

/** What the dev inbox and the webhook call a notice: the notification kind, or `admitted` for an admission. */
type NoticeKind = NotifyRequestedV2["payload"]["kind"] | "admitted";

async function deliverAll(
  message: NotifyRequestedV2,
  view: NotificationView,
  targets: readonly Target[],
  deps: NotifyDeps,
  kind: NoticeKind = message.payload.kind,
): Promise<void> {
  const retries: Array<{ reason: string; afterSeconds?: number | undefined }> = [];

  for (const target of targets) {
    const key = ledgerKey(message.id, target, view);
    const state = await deps.ledger.begin(key, IN_FLIGHT_SECONDS);
    if (state === "done") continue;
    if (state === "busy") {
      retries.push({ reason: `${target.channel}:${target.recipient} is being delivered by another attempt`, afterSeconds: 30 });
      continue;
    }
    const outcome = await send(target, message, view, deps, kind).catch(
      (error): DeliveryOutcome => ({ kind: "retry", reason: `${target.channel} failed: ${error instanceof Error ? error.message : String(error)}` }),
    );
    await deps.metrics.increment("awoooi_notifications_total", { channel: target.channel, outcome: outcome.kind });
    switch (outcome.kind) {
      case "sent":
        await deps.ledger.complete(key, LEDGER_TTL_SECONDS);
        break;
      case "retry":
        await deps.ledger.abandon(key);
        retries.push(outcome);
        break;
      case "permanent":
        await deps.deadLetter(deadLetterFor(message, target, outcome.reason, deps.now()));
        await deps.ledger.complete(key, LEDGER_TTL_SECONDS);
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
function ledgerKey(messageId: string, target: Target, view: NotificationView): string {
  if (target.channel === "sentry") return `sentry:${target.recipient}:${view.incidentId}:${view.kind}`;
  return `${messageId}:${target.channel}:${target.recipient}`;
}

async function send(target: Target, message: NotifyRequestedV2, view: NotificationView, deps: NotifyDeps, kind: NoticeKind): Promise<DeliveryOutcome> {
  const n = message.payload;
  const { channels } = deps;
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
        ? channels.telegram(
            target.chatId,
            renderTelegram(
              view,
              target.links,
              target.decisionButtons && n.approval_id ? { approvalId: n.approval_id, digest: n.action?.digest ?? null } : undefined,
            ),
          )
        : notConfigured("telegram");
    case "slack":
      return channels.slack ? channels.slack(target.webhookUrl, renderSlack(view, target.links, target.mentions)) : notConfigured("slack");
    case "slack-app":
      return channels.slackApp
        ? channels.slackApp(
            target.channelId,
            renderSlack(view, [], [], target.decisionButtons && n.approval_id ? { approvalId: n.approval_id, digest: n.action?.digest ?? null } : undefined),
          )
        : notConfigured("slack-app");
    case "pagerduty":
      return channels.pagerduty
        ? channels.pagerduty.send(
            renderPagerDuty(view, channels.pagerduty.routingKey, target.action, n.alert.fired_at, n.alert.namespace, n.alert.target_resource),
          )
        : notConfigured("pagerduty");
    case "sentry":
      return channels.sentry ? channels.sentry(target.recipient, renderSentryComment(view)) : notConfigured("sentry");
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

function deadLetterFor(message: NotifyRequestedV2, target: Target, reason: string, at: Date): DeadLetterV1 {
  return {
    type: "dead_letter",
    version: 1,
    id: `dlq:awoooi-notify:${message.id}:${target.channel}:${target.recipient}`,
    occurredAt: at.toISOString(),
    correlationId: message.correlationId,
    payload: {
      queue: "awoooi-notify",
      message_id: `${message.id}:${target.channel}:${target.recipient}`,
      reason: `${target.channel} → ${target.recipient}: ${reason}`.slice(0, 2_000),
      attempts: 1,
      body: {
        notification: message.id,
        channel: target.channel,
        recipient: target.recipient,
        kind: message.payload.kind,
        incident_id: message.payload.incident_id,
      },
    },
  };
}
