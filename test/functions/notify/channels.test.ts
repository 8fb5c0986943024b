import { describe, expect, it } from "vitest";
import type { Env } from "../../../functions/notify/src/env.ts";
import worker from "../../../functions/notify/src/index.ts";
import type { DeadLetterV1, NotifyRequestedV2 } from "../../../shared/contracts/queue.ts";
import { verifyLink } from "../../../shared/domain/approval-link.ts";
import { rulesVerdict } from "../../../shared/domain/rules-provider.ts";
import { FAKE_SENTRY_TOKEN, FAKE_SLACK_BOT_TOKEN, FAKE_TELEGRAM_TOKEN, FAKE_WEBHOOK_SECRET } from "../../support/fakes/chat-credentials.ts";
import { normalizedAlert, queueMessage, recordingQueue } from "../../support/fixtures/messages.ts";
import { visibleTelegram } from "../../support/fixtures/telegram.ts";
import { testEnv } from "../../support/worker/env.ts";
import { deliver } from "../../support/worker/queue.ts";
import { withChatFakes } from "./support.ts";

const FAKE = testEnv.TEST_CHAT_SERVICES_URL!;
const TEAM_CHAT = "-1001";
const P0_CHAT = "-1002";
const SECURITY_CHAT = "-1003";
const ROUTING_KEY = "R0UT1NGK3Y0123456789abcdef012345";

interface Recorded {
  channel: string;
  path: string;
  headers: Record<string, string>;
  body: any;
  status: number;
  signatureValid?: boolean;
}

/** Every channel switched on against the fakes; `vars` override any of it. */
function channelEnv(vars: Record<string, string> = {}) {
  const deadLetters = recordingQueue<DeadLetterV1>();
  const env = withChatFakes({
    TELEGRAM_CHAT_ID: TEAM_CHAT,
    TELEGRAM_P0_CHAT_ID: P0_CHAT,
    TELEGRAM_SECURITY_CHAT_ID: SECURITY_CHAT,
    SLACK_WEBHOOK_URL: `${FAKE}/slack/ok-${crypto.randomUUID()}`,
    PAGERDUTY_ROUTING_KEY: ROUTING_KEY,
    PAGERDUTY_EVENTS_URL: `${FAKE}/v2/enqueue`,
    SENTRY_API_URL: FAKE,
    SENTRY_API_TOKEN: FAKE_SENTRY_TOKEN,
    SENTRY_ORG: "acme",
    NOTIFY_WEBHOOK_URL: `${FAKE}/hook`,
    NOTIFY_WEBHOOK_SECRET: FAKE_WEBHOOK_SECRET,
    APPROVERS: JSON.stringify([{ id: "alice" }, { id: "bob" }, { id: "carol", telegram_chat_id: "7003", slack: "@carol" }]),
    DEAD_LETTER_QUEUE: deadLetters,
    // These tests are about each channel; keeping P3 out of the chats has its own (tickets-email-digest.test.ts).
    QUIET_PRIORITIES: "",
    ...vars,
  });
  return { env, deadLetters, run: (bodies: unknown[], attempts = 1) => deliver(worker, env as unknown as Env, "awoooi-notify", bodies, attempts) };
}

/** A notification whose alert text is hostile and carries a unique marker to find its requests by. */
function notification(
  kind: NotifyRequestedV2["payload"]["kind"] = "approval_requested",
  alert: Parameters<typeof normalizedAlert>[0] = {},
): NotifyRequestedV2 & { marker: string } {
  const marker = `m${crypto.randomUUID().replaceAll("-", "")}`;
  const a = normalizedAlert({ message: `<script>alert(1)</script> & friends <b unclosed ${marker}`, ...alert });
  const approvalId = crypto.randomUUID();
  return {
    marker,
    type: "notify.requested",
    version: 2,
    id: `notify:${approvalId}:${kind}`,
    occurredAt: new Date().toISOString(),
    correlationId: "corr",
    payload: {
      kind,
      incident_id: crypto.randomUUID(),
      approval_id: approvalId,
      fingerprint: marker.slice(1, 17),
      alert: a,
      rca: rulesVerdict(a),
      required_signatures: 2,
      expires_at: Math.floor(Date.now() / 1000) + 3600,
      reasons: [],
      signatures: [],
      approval_status: "PENDING",
    },
  };
}

async function requests(channel: string, contains: string): Promise<Recorded[]> {
  return (await fetch(`${FAKE}/_requests?channel=${channel}&contains=${encodeURIComponent(contains)}`)).json();
}

describe("Telegram", () => {
  it("sends HTML with hostile text escaped; the team chat gets Approve/Reject buttons and no signed link, each approver's own chat only their link", async () => {
    const { run } = channelEnv({ TELEGRAM_WEBHOOK_SECRET: "tg-webhook-secret-0123456789" });
    const message = notification();
    await run([message]);
    const sent = await requests("telegram", message.marker);
    const team = sent.find((r) => r.body.chat_id === TEAM_CHAT)!;
    expect(team.status).toBe(200);
    expect(team.path).toBe(`/bot${FAKE_TELEGRAM_TOKEN}/sendMessage`);
    expect(team.body.parse_mode).toBe("HTML");
    expect(team.body.text).not.toContain("<script>");
    expect(team.body.text).toContain(`&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends &lt;b unclosed ${message.marker}`);
    const buttons = team.body.reply_markup.inline_keyboard.flat() as Array<{ text: string; callback_data?: string; url?: string }>;
    // Whoever presses is identified by Telegram; a shared chat never holds a signed link anyone could use.
    expect(buttons.map((b) => b.text)).toEqual(["✅ Approve", "❌ Reject"]);
    expect(buttons.map((b) => b.callback_data)).toEqual([`d1:${message.payload.approval_id}:a:-`, `d1:${message.payload.approval_id}:r:-`]);
    expect(JSON.stringify(team.body)).not.toContain("sig=");
    // carol has a chat of her own: her link goes there, and only hers.
    const carol = sent.find((r) => r.body.chat_id === "7003")!;
    const [carolButton] = carol.body.reply_markup.inline_keyboard.flat() as Array<{ text: string; url: string }>;
    expect(carolButton?.text).toBe("Review as carol");
    const url = new URL(carolButton!.url);
    const claims = { approvalId: message.payload.approval_id!, approver: "carol", expiresAt: Number(url.searchParams.get("expires")) };
    expect(await verifyLink(claims, url.searchParams.get("sig")!, [testEnv.LINK_SIGNING_KEY!], Math.floor(Date.now() / 1000))).toBe("valid");
  });

  it("sends a request to the lowest roster level present, and an escalation to the next level present", async () => {
    const { run } = channelEnv({
      APPROVERS: JSON.stringify([
        { id: "alice", telegram_user_id: 1001, telegram_chat_id: 1001, level: 1 },
        { id: "bob", telegram_user_id: 1002, telegram_chat_id: 1002, level: 1 },
        { id: "carol", telegram_chat_id: 3003, level: 2 },
      ]),
    });
    const message = notification("approval_requested", { priority: "P0" });
    await run([message]);
    const requested = await requests("telegram", message.marker);
    expect(requested.map((r) => String(r.body.chat_id)).sort()).toEqual(["1001", "1002", P0_CHAT, TEAM_CHAT].sort());

    const escalated = {
      ...message,
      id: `${message.id.replace("approval_requested", "escalated")}:L1`,
      payload: { ...message.payload, kind: "escalated" as const, escalation: { level: 1, role: "L1 expert", overdue_seconds: 20 } },
    };
    await run([escalated]);
    const all = await requests("telegram", message.marker);
    const carol = all.filter((r) => String(r.body.chat_id) === "3003");
    expect(carol).toHaveLength(1);
    expect(carol[0]?.body.reply_markup.inline_keyboard.flat()[0].text).toBe("Review as carol");
    expect(all.filter((r) => String(r.body.chat_id) === "1001")).toHaveLength(1);
  });

  it("announces a P0 at admission to the team and P0 chats, analysis pending, with only an Acknowledge button", async () => {
    const { run } = channelEnv({ TELEGRAM_WEBHOOK_SECRET: "tg-webhook-secret-0123456789" });
    const marker = `m${crypto.randomUUID().replaceAll("-", "")}`;
    const incidentId = crypto.randomUUID();
    await run([
      {
        type: "incident.admitted",
        version: 1,
        id: `notify:${incidentId}:admitted`,
        occurredAt: new Date().toISOString(),
        correlationId: "corr",
        payload: {
          incident_id: incidentId,
          fingerprint: marker.slice(1, 17),
          alert: normalizedAlert({ priority: "P0", severity: "critical", message: marker }),
        },
      },
    ]);
    const sent = await requests("telegram", marker);
    expect(sent.map((r) => r.body.chat_id).sort()).toEqual([TEAM_CHAT, P0_CHAT].sort());
    for (const message of sent) {
      expect(message.status).toBe(200);
      expect(message.body.text).toContain("analysis pending");
      // Nothing to decide yet: only "I am on it".
      expect(message.body.reply_markup.inline_keyboard.flat().map((b: { text: string }) => b.text)).toEqual(["👀 Acknowledge"]);
    }
    const [page] = await requests("pagerduty", marker.slice(1, 17));
    expect(page?.body.event_action).toBe("trigger");
  });

  it("puts no signed link in a shared chat without the webhook either (no buttons then)", async () => {
    const { run } = channelEnv();
    const message = notification();
    await run([message]);
    const team = (await requests("telegram", message.marker)).find((r) => r.body.chat_id === TEAM_CHAT)!;
    expect(team.status).toBe(200);
    expect(JSON.stringify(team.body)).not.toContain("sig=");
    expect(team.body.reply_markup).toBeUndefined();
  });

  it("routes P0 to the P0 chat and security findings to the security chat", async () => {
    const { run } = channelEnv();
    const p0 = notification("notify_only", { priority: "P0" });
    const security = notification("notify_only", { priority: "P2", source: "scanner", alert_type: "CVE-2026-1234" });
    await run([p0, { ...security, payload: { ...security.payload, approval_id: undefined, expires_at: undefined } }]);
    expect((await requests("telegram", p0.marker)).map((r) => r.body.chat_id).sort()).toEqual([TEAM_CHAT, P0_CHAT].sort());
    expect((await requests("telegram", security.marker)).map((r) => r.body.chat_id).sort()).toEqual([TEAM_CHAT, SECURITY_CHAT].sort());
  });

  it("keeps a huge alert within 4,096 visible characters", async () => {
    const { run } = channelEnv();
    const message = notification("approval_requested", { message: `${"x&<".repeat(650)} ` });
    message.payload.rca = {
      ...message.payload.rca,
      root_cause: `${"why ".repeat(990)}${message.marker}`,
      suggested_action: { ...message.payload.rca.suggested_action, command: "k".repeat(2_000), description: "d".repeat(2_000) },
    };
    await run([message]);
    const [team] = (await requests("telegram", message.payload.incident_id)).filter((r) => r.body.chat_id === TEAM_CHAT);
    expect(team?.status).toBe(200);
    expect(visibleTelegram(team!.body.text).length).toBeLessThanOrEqual(4_096);
  });

  it("retries a 429 once after its retry_after, without re-sending the chats that got it", async () => {
    const { env, run } = channelEnv({ TELEGRAM_CHAT_ID: "-100429" });
    const message = notification("notify_only", { priority: "P0" });
    // A message double that records the requested delay (the runtime's queue result does not report it).
    const first = queueMessage(message);
    await worker.queue!({ queue: "awoooi-notify", messages: [first.message] } as never, env as unknown as Env);
    expect(first.outcome).toMatchObject({ retried: true, delaySeconds: 3 });
    await run([message], 2);
    const sent = await requests("telegram", message.marker);
    expect(sent.filter((r) => r.body.chat_id === "-100429").map((r) => r.status)).toEqual([429, 200]);
    expect(sent.filter((r) => r.body.chat_id === P0_CHAT)).toHaveLength(1);
  });
});

describe("Slack", () => {
  it("posts Block Kit with escaped text, limits respected, and no signed link in the channel", async () => {
    const { run } = channelEnv();
    const message = notification("approval_requested", { alert_type: `${"Very".repeat(45)}LongAlertName` });
    await run([message]);
    const [slack] = await requests("slack", message.marker);
    expect(slack?.status).toBe(200);
    const blocks = slack!.body.blocks as Array<any>;
    expect(blocks[0].type).toBe("header");
    expect(blocks[0].text.text.length).toBeLessThanOrEqual(150);
    expect(JSON.stringify(blocks)).not.toContain("<script>");
    expect(JSON.stringify(blocks)).toContain("&lt;script&gt;alert(1)&lt;/script&gt; &amp; friends");
    expect(blocks.find((b) => b.type === "actions")).toBeUndefined();
    expect(JSON.stringify(slack!.body)).not.toContain("sig=");
  });

  it("posts to the Slack app's channel with Approve/Reject buttons and no signed link", async () => {
    const { run } = channelEnv({ SLACK_BOT_TOKEN: FAKE_SLACK_BOT_TOKEN, SLACK_CHANNEL_ID: "C0ALERTS", SLACK_API_BASE: `${FAKE}/slack-api` });
    const message = notification();
    await run([message]);
    const posted = (await requests("slack", message.marker)).find((r) => r.path === "/slack-api/chat.postMessage");
    expect(posted?.status).toBe(200);
    expect(posted?.headers.authorization).toBe(`Bearer ${FAKE_SLACK_BOT_TOKEN}`);
    expect(posted?.body.channel).toBe("C0ALERTS");
    const actions = (posted!.body.blocks as Array<any>).find((b) => b.type === "actions");
    expect(actions.elements.map((b: { action_id: string; value: string }) => [b.action_id, b.value])).toEqual([
      ["approve", `d1:${message.payload.approval_id}:a:-`],
      ["reject", `d1:${message.payload.approval_id}:r:-`],
    ]);
    expect(JSON.stringify(posted!.body)).not.toContain("sig=");
  });

  it("refuses to start with a Slack channel but no bot token, naming the variable", async () => {
    const { run } = channelEnv({ SLACK_CHANNEL_ID: "C0ALERTS" });
    await expect(run([notification()])).rejects.toThrow(/SLACK_BOT_TOKEN/);
  });

  it("retries a 500 and succeeds, without re-sending Telegram", async () => {
    const { run } = channelEnv({ SLACK_WEBHOOK_URL: `${FAKE}/slack/fail-once-${crypto.randomUUID()}` });
    const message = notification("notify_only", { priority: "P2" });
    const first = await run([message]);
    expect(first.result.retryMessages).toHaveLength(1);
    await run([message], 2);
    expect((await requests("slack", message.marker)).map((r) => r.status)).toEqual([500, 200]);
    expect(await requests("telegram", message.marker)).toHaveLength(1);
  });

  it("dead-letters a revoked webhook with the reason and retries nothing", async () => {
    const { run, deadLetters } = channelEnv({ SLACK_WEBHOOK_URL: `${FAKE}/slack/gone-${crypto.randomUUID()}` });
    const message = notification("notify_only", { priority: "P2" });
    const { result } = await run([message]);
    expect(result.retryMessages).toHaveLength(0);
    expect(deadLetters.sent).toHaveLength(1);
    expect(deadLetters.sent[0]?.payload.reason).toContain("slack → default: Slack answered 404: no_service");
  });
});

describe("PagerDuty", () => {
  it("triggers P0/P1 with the fingerprint as dedup key and resolves it when the incident resolves", async () => {
    const { run } = channelEnv();
    const open = notification("approval_requested", { priority: "P1" });
    await run([open]);
    const [trigger] = await requests("pagerduty", open.payload.fingerprint);
    expect(trigger?.status).toBe(202);
    expect(trigger?.body).toMatchObject({
      routing_key: ROUTING_KEY,
      event_action: "trigger",
      dedup_key: open.payload.fingerprint,
      payload: { severity: "critical", class: open.payload.alert.alert_type },
    });
    expect(trigger?.body.payload.summary.length).toBeLessThanOrEqual(1_024);
    expect(JSON.stringify(trigger?.body)).not.toContain("sig=");

    const resolved = { ...open, id: `notify:${open.payload.approval_id}:resolved`, payload: { ...open.payload, kind: "resolved" as const } };
    await run([resolved]);
    const resolve = ((await fetch(`${FAKE}/_requests?channel=pagerduty`).then((r) => r.json())) as Recorded[]).filter(
      (r) => r.body.dedup_key === open.payload.fingerprint && r.body.event_action === "resolve",
    );
    expect(resolve).toEqual([
      expect.objectContaining({ status: 202, body: { routing_key: ROUTING_KEY, event_action: "resolve", dedup_key: open.payload.fingerprint } }),
    ]);
  });

  it("does not page for P2", async () => {
    const { run } = channelEnv();
    const message = notification("approval_requested", { priority: "P2" });
    await run([message]);
    expect(await requests("pagerduty", message.payload.fingerprint)).toHaveLength(0);
  });

  it("dead-letters a 400 with the reason", async () => {
    const { run, deadLetters } = channelEnv({ PAGERDUTY_ROUTING_KEY: "too-short" });
    const message = notification("approval_requested", { priority: "P0" });
    const { result } = await run([message]);
    expect(result.retryMessages).toHaveLength(0);
    expect(deadLetters.sent.map((d) => d.payload.reason)).toEqual([expect.stringContaining("pagerduty → events: PagerDuty answered 400")]);
    expect(deadLetters.sent[0]?.payload.reason).toContain("routing_key");
  });
});

describe("Sentry", () => {
  it("comments the analysis on a Sentry-sourced incident once, however often it is sent", async () => {
    const { run } = channelEnv();
    const message = notification("auto_approved", { source: "sentry", priority: "P2", labels: { issue_id: "4242", project_id: "7" } });
    await run([message]);
    await run([{ ...message, id: `${message.id}:again` }]);
    const comments = await requests("sentry", message.payload.incident_id);
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatchObject({ status: 201, path: "/api/0/organizations/acme/issues/4242/comments/" });
    expect(comments[0]!.headers.authorization).toBe(`Bearer ${FAKE_SENTRY_TOKEN}`);
    expect(comments[0]!.body.text).toContain("**Root cause:**");
  });
});

describe("generic webhook", () => {
  it("POSTs the notification as JSON signed with HMAC", async () => {
    const { run } = channelEnv();
    const message = notification();
    await run([message]);
    const [hook] = await requests("webhook", message.marker);
    expect(hook?.signatureValid).toBe(true);
    expect(hook?.headers["idempotency-key"]).toBe(`${message.id}:webhook`);
    expect(hook?.body).toMatchObject({ kind: "approval_requested", incident_id: message.payload.incident_id, approval: { required_signatures: 2 } });
    // A webhook is not a private place: it never carries anyone's signed link.
    expect(hook?.body.links).toEqual([]);
    expect(JSON.stringify(hook?.body)).not.toContain("sig=");
  });
});

describe("delivery semantics", () => {
  it("sends each recipient exactly one message when one message is delivered three times", async () => {
    const { run } = channelEnv();
    const message = notification("approval_requested", { priority: "P0" });
    await run([message, message]);
    await run([message], 2);
    const telegram = await requests("telegram", message.payload.incident_id);
    expect(telegram.map((r) => r.body.chat_id).sort()).toEqual([TEAM_CHAT, P0_CHAT, "7003"].sort());
    expect(await requests("slack", message.marker)).toHaveLength(1);
    expect(await requests("pagerduty", message.payload.fingerprint)).toHaveLength(1);
    expect(await requests("webhook", message.marker)).toHaveLength(1);
  });

  it("refuses to start with a chat id but no bot token, naming the variable", async () => {
    const { run } = channelEnv({ TELEGRAM_BOT_TOKEN: "" });
    await expect(run([notification()])).rejects.toThrow(/TELEGRAM_BOT_TOKEN: is required when TELEGRAM_CHAT_ID is set/);
  });
});
