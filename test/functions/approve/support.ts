import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import type { Kysely } from "kysely";
import { createApp } from "../../../functions/approve/src/app.ts";
import type { Env } from "../../../functions/approve/src/env.ts";
import { createApprovalStore } from "../../../shared/adapters/neon-kysely-approval-store.ts";
import type { Database } from "../../../shared/adapters/neon-kysely-db.ts";
import type { RiskLevel } from "../../../shared/contracts/rca.ts";
import { approvalLinkUrl, signLink } from "../../../shared/domain/approval-link.ts";
import type { ApprovalRecord } from "../../../shared/ports/approval-store.ts";
import { testEnv } from "../../support/worker/env.ts";
import { seedAnalyzedIncident } from "../../support/worker/seed.ts";

/** A pending approval as classify would have created it. */
export async function seedPendingApproval(db: Kysely<Database>, risk: RiskLevel = "high", requiredSignatures = 2): Promise<ApprovalRecord> {
  const message = await seedAnalyzedIncident(db, { risk_level: risk });
  const { approval } = await createApprovalStore(db).createForIncident({
    id: crypto.randomUUID(),
    incidentId: message.payload.incident_id,
    riskLevel: risk,
    requiredSignatures,
    autoApproved: false,
    initialStatus: "PENDING",
    reasons: [`risk ${risk}`],
    action: message.payload.rca.suggested_action,
    expiresAt: new Date(Date.now() + 3_600_000),
    createdAt: new Date(),
    correlationId: message.correlationId,
  });
  return approval;
}

export async function linkFor(approvalId: string, approver: string, options: { expiresAt?: number; key?: string } = {}): Promise<string> {
  const claims = { approvalId, approver, expiresAt: options.expiresAt ?? Math.floor(Date.now() / 1000) + 3600 };
  return approvalLinkUrl("https://awoooi.test", claims, await signLink(claims, options.key ?? testEnv.LINK_SIGNING_KEY!));
}

export async function request(input: string, init: RequestInit = {}, env: Record<string, unknown> = testEnv): Promise<Response> {
  const ctx = createExecutionContext();
  const response = await createApp().fetch(new Request(input, init), env as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
  return response;
}

/** POSTs a decision the way the confirm page's form does. */
export function decide(link: string, decision: "approve" | "reject", extra: Record<string, string> = {}): Promise<Response> {
  const url = new URL(link);
  const form = new URLSearchParams({ ...Object.fromEntries(url.searchParams), decision, ...extra });
  return request(`${url.origin}${url.pathname}`, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: form.toString() });
}

export const ops = (path: string, token = testEnv.OPS_TOKEN) =>
  request(`https://awoooi.test${path}`, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
