import type { LiveMessage } from "../../ports/live-messages.ts";
import type { Target } from "./routing.ts";
import type { Notification } from "./view.ts";

/**
 * Why notify is delivering: a notification's kind, or one of the notices that
 * are not notifications of their own — an admission (P0/P1 before the
 * verdict), a signature or decision on an approval, an incident's escalation.
 */
export type Occasion = Notification["kind"] | "admitted" | "signed" | "decided" | "incident_escalated" | "acknowledged";

/** One delivery: a new message, a short notice under a live message, or an edit of a live one. */
export type Delivery =
  | { readonly mode: "send"; readonly target: Target }
  | { readonly mode: "notice"; readonly target: Target }
  | { readonly mode: "edit"; readonly message: LiveMessage };

/** The live-message slot a target's message fills: chats and Slack only (a Slack DM edits like a channel message). */
export function liveKeyOf(target: Target): string | undefined {
  switch (target.channel) {
    case "telegram":
      return `telegram:${target.recipient}`;
    case "slack-app":
    case "slack-dm":
      return `slack-app:${target.recipient}`;
    default:
      return undefined;
  }
}

export const liveKey = (message: LiveMessage) => `${message.channel}:${message.recipient}`;

/** The first notice about an incident with its verdict: it takes over the admission message where one exists. */
const VERDICT = new Set<Occasion>(["approval_requested", "auto_approved", "notify_only"]);
/** What changes an incident's state after the verdict: edits everywhere, a notice where a live message is. */
const FOLLOW_UP = new Set<Occasion>(["expired", "execution_result", "resolved", "decided"]);
/** Pings: they must reach people as new messages. */
const PING = new Set<Occasion>(["escalated", "incident_escalated"]);

/** Team places (not one approver's own chat), where a decision is announced. */
const isTeamTarget = (t: Target) => !t.recipient.startsWith("approver:");

/**
 * Which deliveries one occasion needs, given the messages already live for
 * the incident. Pure: every rule of "edit, don't pile up" is here.
 * - An admission is sent only where nothing is live yet (a verdict that came first wins).
 * - The verdict edits the admission message in place; places without one get a new message.
 * - A signature edits every live message (and shows in the dev inbox).
 * - A decision, expiry, result or resolution edits every live message, posts a
 *   short notice in team places that have one, and a full message where none is.
 * - Escalations are new messages: they exist to reach people.
 */
export function planDeliveries(occasion: Occasion, messageId: string, targets: readonly Target[], allLive: readonly LiveMessage[]): Delivery[] {
  // What this very message sent is its own (a redelivery finds it): sent again as itself, so the ledger skips it, never edited.
  const own = new Set(allLive.filter((m) => m.origin === messageId).map(liveKey));
  const live = allLive.filter((m) => m.origin !== messageId);
  const liveByKey = new Map(live.map((m) => [liveKey(m), m]));
  const hasLive = (t: Target) => {
    const key = liveKeyOf(t);
    return key !== undefined && liveByKey.has(key);
  };

  if (occasion === "admitted") return targets.filter((t) => !hasLive(t) || own.has(liveKeyOf(t) ?? "")).map((target) => ({ mode: "send", target }));
  if (PING.has(occasion)) return targets.map((target) => ({ mode: "send", target }));

  const edits: Delivery[] = live.map((message) => ({ mode: "edit", message }));
  if (VERDICT.has(occasion)) return [...edits, ...targets.filter((t) => !hasLive(t)).map((target): Delivery => ({ mode: "send", target }))];
  if (occasion === "signed" || occasion === "acknowledged")
    return [...edits, ...targets.filter((t) => t.channel === "dev-inbox").map((target): Delivery => ({ mode: "notice", target }))];
  if (FOLLOW_UP.has(occasion)) {
    const rest = targets.flatMap((target): Delivery[] => {
      if (!hasLive(target)) return [{ mode: "send", target }];
      return isTeamTarget(target) ? [{ mode: "notice", target }] : [];
    });
    return [...edits, ...rest];
  }
  return targets.map((target) => ({ mode: "send", target }));
}
