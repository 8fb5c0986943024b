import type { ApproverRoster } from "../../../shared/contracts/approval.ts";
import type { NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { approvalLinkUrl, signLink } from "../../../shared/domain/approval-link.ts";
import { renderPlainText } from "../../../shared/domain/render/plain-text.ts";
import type { DevInbox } from "../../../shared/ports/dev-inbox.ts";
import type { NotificationLedger } from "../../../shared/ports/notification-ledger.ts";

export interface ApproverLink {
  readonly approver: string;
  readonly url: string;
}

export interface NotifyDeps {
  readonly approvers: ApproverRoster;
  readonly linkKey: string;
  readonly baseUrl: string;
  readonly ledger: NotificationLedger;
  /** Present in local dev only. */
  readonly inbox: DevInbox | undefined;
  readonly now: () => Date;
}

/** Idempotency keys outlive any redelivery window of the queue. */
const LEDGER_TTL_SECONDS = 7 * 86_400;

/** One signed link per approver: each person's link names them, so signatures are attributable. */
export async function approverLinks(n: NotifyRequestedV2["payload"], deps: Pick<NotifyDeps, "approvers" | "linkKey" | "baseUrl">): Promise<ApproverLink[]> {
  const { approval_id: approvalId, expires_at: expiresAt } = n;
  if (!approvalId || !expiresAt) return [];
  return Promise.all(
    deps.approvers.map(async ({ id }) => {
      const claims = { approvalId, approver: id, expiresAt };
      return { approver: id, url: approvalLinkUrl(deps.baseUrl, claims, await signLink(claims, deps.linkKey)) };
    }),
  );
}

/**
 * Delivers one notification to every configured destination, each guarded by
 * an idempotency key so a redelivered message sends nothing twice.
 */
export async function handleNotifyRequested(message: NotifyRequestedV2, deps: NotifyDeps): Promise<void> {
  const n = message.payload;
  // Links go out while a decision is still wanted: the request itself, and each escalation of it.
  const links = n.kind === "approval_requested" || n.kind === "escalated" ? await approverLinks(n, deps) : [];
  const text = renderPlainText(n);

  if (deps.inbox) {
    const inbox = deps.inbox;
    await deliverOnce(deps.ledger, `${message.id}:dev-inbox`, async () => {
      await inbox.deliver({ incident_id: n.incident_id, approval_id: n.approval_id ?? null, kind: n.kind, text, links, at: deps.now().toISOString() });
      console.log(`\n── dev inbox ──\n${text}\n${links.map((l) => `  ${l.approver}: ${l.url}`).join("\n")}\n`);
    });
  }
}

async function deliverOnce(ledger: NotificationLedger, key: string, deliver: () => Promise<void>): Promise<void> {
  if (!(await ledger.claim(key, LEDGER_TTL_SECONDS))) return;
  try {
    await deliver();
  } catch (error) {
    await ledger.unclaim(key);
    throw error;
  }
}
