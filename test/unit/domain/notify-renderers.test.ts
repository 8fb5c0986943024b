import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { approvalActionOf, proposeAction } from "../../../shared/domain/action.ts";
import { renderEmail } from "../../../shared/domain/notify/email.ts";
import { renderPagerDuty } from "../../../shared/domain/notify/pagerduty.ts";
import { digestTargets, isQuiet, type NotifyRouting, routeNotification } from "../../../shared/domain/notify/routing.ts";
import { escapeSlack, renderSlack, SLACK_LIMITS } from "../../../shared/domain/notify/slack.ts";
import { buttonSafe, escapeTelegramHtml, renderTelegram } from "../../../shared/domain/notify/telegram.ts";
import { type Notification, notificationView } from "../../../shared/domain/notify/view.ts";
import { renderPlainText } from "../../../shared/domain/render/plain-text.ts";
import { rulesVerdict } from "../../../shared/domain/rules-provider.ts";
import { normalizedAlert } from "../../support/fixtures/messages.ts";
import { visibleTelegram as visible } from "../../support/fixtures/telegram.ts";

function notification(overrides: Partial<Notification> = {}, alert: Parameters<typeof normalizedAlert>[0] = {}): Notification {
  const a = normalizedAlert(alert);
  return {
    kind: "approval_requested",
    incident_id: crypto.randomUUID(),
    approval_id: crypto.randomUUID(),
    fingerprint: "0123456789abcdef",
    alert: a,
    rca: rulesVerdict(a),
    required_signatures: 2,
    expires_at: 1_900_000_000,
    reasons: [],
    signatures: [],
    ...overrides,
  };
}

const links = [
  { approver: "alice", url: "https://awoooi.example/approve/x?approver=alice&expires=1&sig=a" },
  { approver: "bob", url: "https://awoooi.example/approve/x?approver=bob&expires=1&sig=b" },
];

/** The tags left once the text is stripped of escaped content: only Telegram's own. */
const tags = (html: string) => [...html.matchAll(/<\/?([a-z-]+)/g)].map((m) => m[1]);

describe("what every channel shows of the action", () => {
  it("shows the rendered command, the plan and each guardrail, and marks an untyped action as run by hand", async () => {
    const a = normalizedAlert({});
    const suggested = { operation: "DELETE_POD" as const, command: "kubectl delete namespace production", description: "d" };
    const proposal = await proposeAction(suggested, a);
    const action = approvalActionOf(
      suggested,
      proposal,
      {
        digest: proposal.digest!,
        planned_at: "2026-11-30T12:00:00.000Z",
        facts: { ready_replicas: 2, desired_replicas: 3 },
        dry_run: { ok: true, exit_code: 0, output: 'pod "x" deleted (server dry run)' },
        errors: [],
      },
      [
        { name: "another replica ready", passed: true, detail: "1 other" },
        { name: "confidence", passed: false, detail: "confidence 40 is below 80" },
      ],
    );
    const view = notificationView(notification({ action }), undefined);
    expect(view.command).toBe(proposal.display);
    expect(view.actionFacts).toContain("2 of 3 replicas ready");
    expect(view.actionFacts).toContain("server dry run passed");
    expect(view.actionFacts).toContain("✗ confidence (confidence 40 is below 80)");
    for (const text of [visible(renderTelegram(view, []).text), JSON.stringify(renderSlack(view, []))]) {
      expect(text).toContain("kubectl delete pod");
      expect(text).toContain("✓ another replica ready");
      expect(text).not.toContain("delete namespace");
    }
    const untyped = approvalActionOf(
      { ...suggested, operation: "RENEW_CERTIFICATE", command: "cmctl renew x" },
      await proposeAction({ ...suggested, operation: "RENEW_CERTIFICATE", command: "cmctl renew x" }, a),
      undefined,
      [],
    );
    expect(notificationView(notification({ action: untyped }), undefined).command).toBe("(run by hand) cmctl renew x");
  });
});

describe("Telegram rendering", () => {
  it("escapes <, > and & in every alert-derived field, keeps only its own tags, and stays within 4,096 visible characters", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), fc.string({ maxLength: 200 }), fc.string({ maxLength: 1_000 }), (message, alertType, rootCause) => {
        const n = notification({}, { message, alert_type: alertType || "X" });
        n.rca = { ...n.rca, root_cause: rootCause || "r" };
        const { text } = renderTelegram(notificationView(n, undefined), links);
        expect(new Set(tags(text))).toSatisfy((set: Set<string>) => [...set].every((t) => ["b", "i", "pre", "code", "a"].includes(t)));
        expect(visible(text).length).toBeLessThanOrEqual(4_096);
        expect(visible(text)).toContain((alertType || "X").slice(0, 20));
      }),
      { numRuns: 300 },
    );
  });

  it("turns each approver link into a URL button, and loopback links into text", () => {
    const v = notificationView(notification(), undefined);
    expect(renderTelegram(v, links).reply_markup?.inline_keyboard).toEqual([
      [{ text: "Review as alice", url: links[0]!.url }],
      [{ text: "Review as bob", url: links[1]!.url }],
    ]);
    const local = renderTelegram(v, [{ approver: "alice", url: "http://127.0.0.1:8787/approve/x?approver=alice&expires=1&sig=a" }]);
    expect(local.reply_markup).toBeUndefined();
    expect(local.text).toContain('<a href="http://127.0.0.1:8787/approve/x?approver=alice&amp;expires=1&amp;sig=a">');
    expect(buttonSafe("https://localhost/x")).toBe(false);
  });

  it("escapes the four characters that matter", () => {
    expect(escapeTelegramHtml(`<a href="x">&</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;");
  });

  it("leads a storm incident with the storm", () => {
    const n = notification({}, { labels: { storm_alert_type: "KubePodNotReady", storm_namespace: "prod" } });
    expect(renderTelegram(notificationView(n, undefined), []).text).toContain("ALERT STORM of KubePodNotReady in prod.");
  });
});

describe("Slack rendering", () => {
  it("keeps every block within Block Kit limits and escapes alert text", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 2_000 }), fc.string({ minLength: 1, maxLength: 200 }), (message, alertType) => {
        const { blocks, text } = renderSlack(notificationView(notification({}, { message, alert_type: alertType }), undefined), links);
        expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
        expect(text.length).toBeLessThanOrEqual(SLACK_LIMITS.fallback);
        for (const block of blocks) {
          if (block.type === "header") expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.header);
          if (block.type === "section") {
            if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
            for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.field);
          }
        }
        const section = blocks[1] as { text: { text: string } };
        expect(section.text.text).not.toMatch(/<(?![^>]*\|)/);
      }),
      { numRuns: 300 },
    );
  });

  it("escapes &, < and >", () => {
    expect(escapeSlack("<!channel> & <@U1>")).toBe("&lt;!channel&gt; &amp; &lt;@U1&gt;");
  });

  it.each([
    "https://x> <!channel> <https://evil|Approve",
    "https://grafana.example/d/x?a=1|Approve> <!channel>",
    "https://grafana.example/d/x> <!here> <https://evil.example|Approve",
  ])("renders a hostile source link as inert text: %s", (generatorUrl) => {
    const message = renderSlack(notificationView(notification({}, { generator_url: generatorUrl }), undefined), []);
    const mrkdwnTexts = message.blocks.flatMap((b: any) => [
      b.text?.text,
      ...(b.fields ?? []).map((f: any) => f.text),
      ...(b.elements ?? []).map((e: any) => e.text),
    ]);
    const all = mrkdwnTexts.filter(Boolean).join("\n");
    // Only the link we render ourselves may open markup, and it has exactly one target and one label.
    const markup = [...all.matchAll(/<([^>]*)>/g)].map((m) => m[1]!);
    expect(markup.every((inner) => /^https?:\/\/[^\s<>|]+\|[^<>|]*$/.test(inner))).toBe(true);
    expect(all).not.toMatch(/<!(channel|here)/);
  });
});

describe("PagerDuty events", () => {
  it("uses the fingerprint as dedup key and never carries approval links", () => {
    const v = notificationView(notification(), undefined);
    const trigger = renderPagerDuty(v, "k".repeat(32), "trigger", "2026-11-22T03:00:00Z", "production", "api");
    expect(trigger).toMatchObject({
      event_action: "trigger",
      dedup_key: "0123456789abcdef",
      payload: { severity: "critical", source: "api", group: "production" },
    });
    expect(trigger.payload!.summary.length).toBeLessThanOrEqual(1_024);
    expect(renderPagerDuty(v, "k".repeat(32), "resolve", "", undefined, undefined)).toEqual({
      routing_key: "k".repeat(32),
      event_action: "resolve",
      dedup_key: "0123456789abcdef",
    });
  });
});

describe("routing", () => {
  const everything: NotifyRouting = {
    telegram: { teamChat: "-1", p0Chat: "-2", securityChat: "-3" },
    slack: { defaultWebhook: "https://hooks.slack.com/services/default", bySeverity: { critical: "https://hooks.slack.com/services/critical" } },
    pagerduty: { priorities: new Set(["P0", "P1"]) },
    sentry: true,
    webhook: true,
    devInbox: false,
  };
  const roster = [
    { id: "alice", level: 0 },
    { id: "bob", telegram_chat_id: "42", slack: "@bob", level: 0 },
  ];
  const allLinks = [links[0]!, { ...links[1]! }];

  it("sends a P0 approval to team and P0 chats, each approver's DM, the severity's Slack hook, PagerDuty and the webhook", () => {
    const targets = routeNotification(notification({}, { priority: "P0", severity: "critical" }), allLinks, roster, everything);
    expect(targets.map((t) => `${t.channel}:${t.recipient}`)).toEqual([
      "telegram:chat:-1",
      "telegram:chat:-2",
      "telegram:approver:bob",
      "slack:critical",
      "pagerduty:events",
      "webhook:webhook",
    ]);
    const team = targets[0] as { links: ReadonlyArray<{ approver: string }> };
    expect(team.links).toEqual([]);
    expect(targets.filter((t) => t.channel === "slack" || t.channel === "webhook").every((t) => "links" in t && t.links.length === 0)).toBe(true);
    const dm = targets[2] as { links: ReadonlyArray<{ approver: string }> };
    expect(dm.links.map((l) => l.approver)).toEqual(["bob"]);
  });

  it("sends security findings to the security chat and pages nothing for P3", () => {
    const targets = routeNotification(
      notification({ kind: "notify_only" }, { priority: "P3", severity: "warning", source: "scanner" }),
      [],
      roster,
      everything,
    );
    expect(targets.map((t) => `${t.channel}:${t.recipient}`)).toEqual(["telegram:chat:-1", "telegram:chat:-3", "slack:default", "webhook:webhook"]);
  });

  it("comments on Sentry issues only for Sentry-sourced first notices", () => {
    const sentry = { source: "sentry", labels: { issue_id: "123" }, priority: "P2" as const };
    expect(routeNotification(notification({}, sentry), [], roster, everything).some((t) => t.channel === "sentry")).toBe(true);
    expect(routeNotification(notification({ kind: "expired" }, sentry), [], roster, everything).some((t) => t.channel === "sentry")).toBe(false);
  });

  it("resolves the PagerDuty page when the incident resolves", () => {
    const targets = routeNotification(notification({ kind: "resolved" }, { priority: "P1" }), [], roster, everything);
    expect(targets.filter((t) => t.channel === "pagerduty")).toEqual([{ channel: "pagerduty", recipient: "events", action: "resolve" }]);
  });

  it("sends only to the dev inbox when nothing else is configured", () => {
    const none: NotifyRouting = { telegram: undefined, slack: undefined, pagerduty: undefined, sentry: false, webhook: false, devInbox: true };
    expect(routeNotification(notification(), allLinks, roster, none)).toEqual([{ channel: "dev-inbox", recipient: "inbox", links: allLinks }]);
  });
});

describe("what was learned, in front of the people deciding", () => {
  const taught = [
    "risk high",
    "learned: RESTART_DEPLOYMENT worked 5 of 5 times for this alert (tier 1); the verdict agrees",
    "playbook: RESTART_DEPLOYMENT is this alert's playbook (100% of 5); the verdict agrees",
  ];
  const line =
    "RESTART_DEPLOYMENT worked 5 of 5 times for this alert (tier 1); the verdict agrees; RESTART_DEPLOYMENT is this alert's playbook (100% of 5); the verdict agrees";

  it("is a Learned line in the approval request on Telegram, Slack and plain text", () => {
    const view = notificationView(notification({ reasons: taught }), undefined);
    expect(view.learned).toBe(line);
    expect(renderTelegram(view, links).text).toContain(`Learned: </b>${escapeTelegramHtml(line)}`);
    expect(JSON.stringify(renderSlack(view, links))).toContain(`*Learned:* ${escapeSlack(line)}`);
    expect(renderPlainText(view)).toContain(`Learned: ${line}`);
  });

  it("is absent when nothing was learned", () => {
    const view = notificationView(notification({ reasons: ["risk high"] }), undefined);
    expect(view.learned).toBeUndefined();
    expect(renderPlainText(view)).not.toContain("Learned:");
    expect(renderTelegram(view, links).text).not.toContain("Learned:");
  });
});

describe("routing of mail, tickets, quiet priorities and Slack categories (issue #18)", () => {
  const routing: NotifyRouting = {
    telegram: { teamChat: "-1" },
    slack: undefined,
    slackApp: { channel: "C0ALERTS", securityChannel: "C0SEC", infraChannel: "C0INFRA", p0Channel: "C0P0" },
    pagerduty: { priorities: new Set(["P0", "P1"]) },
    sentry: false,
    webhook: true,
    devInbox: false,
    email: { team: ["oncall@example.com"] },
    ticket: true,
    quiet: new Set(["P3"]),
  };
  const roster = [
    { id: "alice", email: "alice@example.com", level: 0 },
    { id: "bob", telegram_chat_id: "42", level: 0 },
  ];
  const where = (targets: ReturnType<typeof routeNotification>) => targets.map((t) => `${t.channel}:${t.recipient}`);

  it("mails the team without links and each approver with an address only their own link, and tickets every incident", () => {
    const targets = routeNotification(notification({}, { priority: "P1" }), links, roster, routing);
    expect(where(targets)).toEqual([
      "telegram:chat:-1",
      "telegram:approver:bob",
      "slack-app:channel:C0INFRA",
      "pagerduty:events",
      "email:team",
      "email:approver:alice",
      "ticket:incident",
      "webhook:webhook",
    ]);
    const mails = targets.filter((t) => t.channel === "email") as Array<{ to: readonly string[]; links: ReadonlyArray<{ approver: string }> }>;
    expect(mails.map((m) => [m.to, m.links.map((l) => l.approver)])).toEqual([
      [["oncall@example.com"], []],
      [["alice@example.com"], ["alice"]],
    ]);
  });

  it("keeps a quiet priority out of every shared live place but still reaches the approvers' own places and the ticket", () => {
    const targets = routeNotification(notification({}, { priority: "P3", severity: "info" }), links, roster, routing);
    expect(where(targets)).toEqual(["telegram:approver:bob", "email:approver:alice", "ticket:incident", "webhook:webhook"]);
    expect(where(routeNotification(notification({ kind: "notify_only" }, { priority: "P3" }), [], roster, routing))).toEqual([
      "ticket:incident",
      "webhook:webhook",
    ]);
  });

  it("is quiet for a successful automatic fix, loud for a failed one and for every escalation", () => {
    const quiet = new Set(["P3" as const]);
    const result = (status: "succeeded" | "failed", automatic: boolean) =>
      notification({
        kind: "execution_result",
        execution: { execution_id: crypto.randomUUID(), status, dry_run: false, automatic, duration_ms: 1, output_excerpt: null },
      });
    expect(isQuiet(notification({ kind: "auto_approved" }, { priority: "P0" }), quiet)).toBe(true);
    expect(isQuiet(result("succeeded", true), quiet)).toBe(true);
    expect(isQuiet(result("failed", true), quiet)).toBe(false);
    expect(isQuiet(result("succeeded", false), quiet)).toBe(false);
    expect(isQuiet(notification({ kind: "escalated" }, { priority: "P3" }), quiet)).toBe(false);
    expect(isQuiet(notification({ kind: "notify_only" }, { priority: "P3" }), new Set())).toBe(false);
  });

  it("sends a security finding to the security channel, and a P0 to the war room as well", () => {
    const security = routeNotification(notification({ kind: "notify_only" }, { priority: "P1", source: "scanner" }), [], roster, routing);
    expect(where(security).filter((w) => w.startsWith("slack-app"))).toEqual(["slack-app:channel:C0SEC"]);
    const p0 = routeNotification(notification({ kind: "notify_only" }, { priority: "P0" }), [], roster, routing);
    expect(where(p0).filter((w) => w.startsWith("slack-app"))).toEqual(["slack-app:channel:C0INFRA", "slack-app:channel:C0P0"]);
    const plain = routeNotification(notification({ kind: "notify_only" }, { priority: "P1" }), [], roster, { ...routing, slackApp: { channel: "C0ALERTS" } });
    expect(where(plain).filter((w) => w.startsWith("slack-app"))).toEqual(["slack-app:channel:C0ALERTS"]);
  });

  it("sends the digest to the team places only", () => {
    expect(where(digestTargets(routing))).toEqual(["telegram:chat:-1", "slack-app:channel:C0ALERTS", "email:team"]);
    expect(
      where(digestTargets({ ...routing, slackApp: undefined, slack: { defaultWebhook: "https://hooks.slack.com/x", bySeverity: {} }, email: undefined })),
    ).toEqual(["telegram:chat:-1", "slack:default"]);
  });
});

describe("e-mail", () => {
  it("escapes alert text in the HTML part, keeps the plain part readable, and carries only the links it is given", () => {
    const v = notificationView(notification({}, { message: `<img src=x onerror=alert(1)> & "quoted"` }), undefined);
    const team = renderEmail(v, []);
    expect(team.html).toContain("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;quoted&quot;");
    expect(team.html).not.toContain("<img");
    expect(team.text).toContain(`<img src=x onerror=alert(1)> & "quoted"`);
    expect(`${team.text}${team.html}`).not.toContain("sig=");
    expect(team.subject).not.toContain("\n");
    const own = renderEmail(v, [links[0]!]);
    expect(own.html).toContain(`href="https://awoooi.example/approve/x?approver=alice&amp;expires=1&amp;sig=a"`);
    expect(own.text).toContain("Review and decide as alice: https://awoooi.example/approve/x?approver=alice&expires=1&sig=a");
    expect(`${own.text}${own.html}`).not.toContain("approver=bob");
  });
});
