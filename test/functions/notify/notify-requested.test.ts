import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Env } from "../../../functions/notify/src/env.ts";
import worker from "../../../functions/notify/src/index.ts";
import type { DeadLetterV1, NotifyRequestedV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { verifyLink } from "../../../shared/domain/approval-link.ts";
import { rulesVerdict } from "../../../shared/domain/rules-provider.ts";
import type { InboxMessage } from "../../../shared/ports/dev-inbox.ts";
import { normalizedAlert, recordingQueue } from "../../support/fixtures/messages.ts";
import { testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";

function notifyRequested(
  kind: NotifyRequestedV2["payload"]["kind"] = "approval_requested",
  extra: Partial<NotifyRequestedV2["payload"]> = {},
): NotifyRequestedV2 {
  const alert = normalizedAlert({ message: `<script>alert(1)</script> & friends ${crypto.randomUUID()}` });
  const approvalId = crypto.randomUUID();
  return {
    type: "notify.requested",
    version: 2,
    id: `notify:${approvalId}:${kind}`,
    occurredAt: new Date().toISOString(),
    correlationId: "corr",
    payload: {
      kind,
      incident_id: crypto.randomUUID(),
      approval_id: approvalId,
      fingerprint: "0123456789abcdef",
      alert,
      rca: rulesVerdict(alert),
      required_signatures: kind === "approval_requested" || kind === "escalated" ? 2 : 0,
      expires_at: Math.floor(Date.now() / 1000) + 3600,
      reasons: [],
      signatures: [],
      ...extra,
    },
  };
}

async function inbox(env: Record<string, unknown> = testEnv): Promise<{ status: number; messages: InboxMessage[] }> {
  const ctx = createExecutionContext();
  const response = await worker.fetch!(new Request("https://awoooi.test/dev/inbox?limit=500") as never, env as unknown as Env, ctx);
  await waitOnExecutionContext(ctx);
  return { status: response.status, messages: response.ok ? ((await response.json()) as { messages: InboxMessage[] }).messages : [] };
}

const run = (bodies: unknown[], deadLetters = recordingQueue<DeadLetterV1>()) =>
  deliver(worker, { ...testEnv, DEAD_LETTER_QUEUE: deadLetters } as unknown as Env, "awoooi-notify", bodies);

describe("notify queue consumer with the dev inbox", () => {
  it("delivers one message with a signed link per approver", async () => {
    const message = notifyRequested();
    await run([message]);
    const mine = (await inbox()).messages.filter((m) => m.approval_id === message.payload.approval_id);
    expect(mine).toHaveLength(1);
    expect(mine[0]?.text).toContain(message.payload.alert.message);
    expect(mine[0]?.links.map((l) => l.approver)).toEqual(["alice", "bob"]);
    for (const link of mine[0]!.links) {
      const url = new URL(link.url);
      expect(url.origin).toBe(testEnv.PUBLIC_BASE_URL);
      expect(url.pathname).toBe(`/approve/${message.payload.approval_id}`);
      const claims = { approvalId: message.payload.approval_id!, approver: link.approver, expiresAt: Number(url.searchParams.get("expires")) };
      expect(await verifyLink(claims, url.searchParams.get("sig")!, [testEnv.LINK_SIGNING_KEY!], Math.floor(Date.now() / 1000))).toBe("valid");
    }
  });

  it("sends nothing twice when the same message is delivered three times", async () => {
    const message = notifyRequested();
    await run([message]);
    await run([message, message]);
    expect((await inbox()).messages.filter((m) => m.approval_id === message.payload.approval_id)).toHaveLength(1);
  });

  it("shows an auto-approval without links", async () => {
    const message = notifyRequested("auto_approved");
    await run([message]);
    const mine = (await inbox()).messages.find((m) => m.approval_id === message.payload.approval_id);
    expect(mine?.links).toEqual([]);
    expect(mine?.text).toContain("Auto-approved");
  });

  it("still reads v1 messages sent before the v2 contract", async () => {
    const v2 = notifyRequested();
    const { reasons: _reasons, ...payload } = v2.payload;
    const v1: NotifyRequestedV1 = {
      ...v2,
      version: 1,
      payload: { ...payload, kind: "approval_requested", approval_id: v2.payload.approval_id!, expires_at: v2.payload.expires_at! },
    };
    await run([v1]);
    const mine = (await inbox()).messages.find((m) => m.approval_id === v2.payload.approval_id);
    expect(mine?.links).toHaveLength(2);
  });

  it("sends a link-less notice when nothing can be approved", async () => {
    const message = notifyRequested("notify_only", { approval_id: undefined, expires_at: undefined, reasons: ["no automatic action was proposed"] });
    message.id = `notify:${message.payload.incident_id}:notify_only`;
    await run([message]);
    const mine = (await inbox()).messages.find((m) => m.incident_id === message.payload.incident_id);
    expect(mine).toMatchObject({ kind: "notify_only", approval_id: null, links: [] });
    expect(mine?.text).toContain("no safe automatic action");
    expect(mine?.text).toContain("Why: no automatic action was proposed");
  });

  it("re-sends every approver's link with an escalation, naming the level", async () => {
    const message = notifyRequested("escalated", { escalation: { level: 2, role: "L2 team lead", overdue_seconds: 1800 } });
    await run([message]);
    const mine = (await inbox()).messages.find((m) => m.approval_id === message.payload.approval_id);
    expect(mine?.links.map((l) => l.approver)).toEqual(["alice", "bob"]);
    expect(mine?.text).toContain("ESCALATED to L2 team lead");
  });

  it.each([
    ["expired", {}, "Expired"],
    [
      "execution_result",
      {
        execution: {
          execution_id: crypto.randomUUID(),
          status: "failed" as const,
          dry_run: false,
          automatic: true,
          duration_ms: 1200,
          output_excerpt: "pod not found",
        },
      },
      "Execution FAILED (automatic run, 1200 ms)",
    ],
  ] as const)("tells people about a %s without links", async (kind, extra, text) => {
    const message = notifyRequested(kind, extra);
    await run([message]);
    const mine = (await inbox()).messages.find((m) => m.approval_id === message.payload.approval_id);
    expect(mine?.links).toEqual([]);
    expect(mine?.text).toContain(text);
  });

  it.each([
    ["an escalation without its level", notifyRequested("escalated")],
    ["an approval request without an approval", notifyRequested("approval_requested", { approval_id: undefined })],
    ["an execution result without the execution", notifyRequested("execution_result")],
  ])("dead-letters %s", async (_case, message) => {
    const deadLetters = recordingQueue<DeadLetterV1>();
    await run([message], deadLetters);
    expect(deadLetters.sent).toHaveLength(1);
  });

  it("dead-letters what it cannot parse", async () => {
    const deadLetters = recordingQueue<DeadLetterV1>();
    const { result } = await run([{ type: "notify.requested", version: 1 }], deadLetters);
    expect(result.explicitAcks).toHaveLength(1);
    expect(deadLetters.sent).toHaveLength(1);
  });

  it("has no /dev/inbox outside local dev", async () => {
    expect((await inbox({ ...testEnv, DEV_INBOX: "off" })).status).toBe(404);
  });

  it("answers the inbox through the real entry point", async () => {
    const response = await exports.default.fetch(new Request("https://awoooi.test/dev/inbox"));
    expect(response.status).toBe(200);
    expect(await response.json()).toHaveProperty("messages");
  });
});
